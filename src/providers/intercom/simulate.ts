import { createHmac, randomBytes } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Signs like Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>`. */
export const intercomSimulator: Simulator = {
  sample({ eventId } = {}) {
    const body = {
      type: 'notification_event',
      app_id: 'a86dr8yl',
      data: {
        type: 'notification_event_data',
        item: {
          type: 'conversation',
          id: '147',
          created_at: 1714564800,
          state: 'open',
          source: { type: 'conversation', body: '<p>Hi, I need help with my order.</p>' },
        },
      },
      links: {},
      id: eventId ?? 'notif_' + randomBytes(16).toString('hex'),
      topic: 'conversation.user.created',
      delivery_status: 'pending',
      delivery_attempts: 1,
      delivered_at: 0,
      first_sent_at: 1714564800,
      created_at: 1714564800,
      self: null,
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret }) {
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'intercom-parrot-service-client/1.0',
        'x-hub-signature': 'sha1=' + createHmac('sha1', secret).update(body).digest('hex'),
      },
      body,
    };
  },
};
