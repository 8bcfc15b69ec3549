import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import { standardWebhooksKey } from '../standard-webhooks/signature.ts';

/**
 * Sends like GitLab: a `whsec_` secret is a signing token (Standard Webhooks `v1` headers, with
 * Idempotency-Key = webhook-id as GitLab does); any other secret is sent as `X-Gitlab-Token`.
 */
export const gitlabSimulator: Simulator = {
  sample() {
    const body = {
      object_kind: 'push',
      event_name: 'push',
      before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
      after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      ref: 'refs/heads/main',
      checkout_sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      user_id: 4,
      user_name: 'John Smith',
      user_username: 'jsmith',
      project_id: 15,
      project: {
        id: 15,
        name: 'Diaspora',
        path_with_namespace: 'mike/diaspora',
        web_url: 'https://gitlab.example.com/mike/diaspora',
        default_branch: 'main',
      },
      commits: [
        {
          id: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
          message: 'fixed readme',
          timestamp: '2024-05-01T12:00:00+00:00',
          author: { name: 'GitLab dev user', email: 'gitlabdev@dv6700.(none)' },
        },
      ],
      total_commits_count: 1,
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret, now, eventId }) {
    const id = eventId ?? randomUUID();
    const common = {
      'content-type': 'application/json',
      'user-agent': 'GitLab/17.0.0',
      'x-gitlab-event': 'Push Hook',
      'x-gitlab-event-uuid': randomUUID(),
      'x-gitlab-webhook-uuid': randomUUID(),
      'idempotency-key': id,
    };
    if (!secret.startsWith('whsec_'))
      return { headers: { ...common, 'x-gitlab-token': secret }, body };
    const key = standardWebhooksKey(secret);
    if (key === undefined) throw new Error('the whsec_ signing token is not valid base64');
    const timestamp = String(Math.floor(now / 1000));
    const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body);
    return {
      headers: {
        ...common,
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${mac.digest('base64')}`,
      },
      body,
    };
  },
};
