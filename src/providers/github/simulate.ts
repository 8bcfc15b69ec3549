import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/**
 * Signs like GitHub: `X-Hub-Signature-256` (HMAC-SHA256, hex) and, as GitHub still does, the
 * legacy `X-Hub-Signature` (HMAC-SHA1) too. The event header names the sample's event (`issues`).
 */
export const githubSimulator: Simulator = {
  sample() {
    const user = { login: 'octocat', id: 583231, type: 'User' };
    const body = {
      action: 'opened',
      issue: {
        id: 1801478013,
        number: 1347,
        title: 'Found a bug',
        state: 'open',
        user,
        body: "I'm having a problem with this.",
        created_at: '2024-05-01T12:00:00Z',
      },
      repository: {
        id: 1296269,
        name: 'Hello-World',
        full_name: 'octocat/Hello-World',
        owner: user,
      },
      sender: user,
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret, eventId }) {
    const hex = (algorithm: string) => createHmac(algorithm, secret).update(body).digest('hex');
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/hookgate',
        'x-github-event': 'issues',
        'x-github-delivery': eventId ?? randomUUID(),
        'x-github-hook-id': '292430182',
        'x-hub-signature': `sha1=${hex('sha1')}`,
        'x-hub-signature-256': `sha256=${hex('sha256')}`,
      },
      body,
    };
  },
};
