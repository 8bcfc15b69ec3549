import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/**
 * Signs like Linear: hex HMAC-SHA256 of the body. Linear puts the send time in the signed body
 * (`webhookTimestamp`, ms), so a JSON object body gets it set to now before signing.
 */
export const linearSimulator: Simulator = {
  sample() {
    const body = {
      action: 'create',
      type: 'Issue',
      actor: { id: '2e6eea91-1111-0000-9486-acea0603064d', name: 'Jane Doe', type: 'user' },
      createdAt: '2024-05-01T12:00:00.000Z',
      data: {
        id: '9a1d2c3e-0f4b-4a5e-8c6d-7e8f9a0b1c2d',
        identifier: 'ENG-123',
        title: 'Crash when exporting a report',
        priority: 2,
        teamId: '72b2a2dc-6f4f-4423-9d34-24b5bd10634a',
      },
      url: 'https://linear.app/acme/issue/ENG-123/crash-when-exporting-a-report',
      organizationId: '0c8dbc71-3d35-4a1c-9d1a-29b8a1b1e3e4',
      webhookTimestamp: 0,
      webhookId: '000042e3-d123-4980-b49f-8e140eef9329',
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret, now, eventId }) {
    let signedBody = body;
    let type = 'Issue';
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        signedBody = Buffer.from(JSON.stringify({ ...parsed, webhookTimestamp: now }), 'utf8');
        if ('type' in parsed && typeof parsed.type === 'string') type = parsed.type;
      }
    } catch {
      // Not JSON: sent as given (the gateway will reject it: no webhookTimestamp).
    }
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Linear-Webhook',
        'linear-delivery': eventId ?? randomUUID(),
        'linear-event': type,
        'linear-timestamp': String(now),
        'linear-signature': createHmac('sha256', secret).update(signedBody).digest('hex'),
      },
      body: signedBody,
    };
  },
};
