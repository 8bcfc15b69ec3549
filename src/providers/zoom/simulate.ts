import { createHmac, randomBytes } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Zoom signs `v0:<ts>:<body>` with the app's Secret Token. */
export const zoomSimulator: Simulator = {
  // Zoom has no event id: it is known by event, event_ts and the object's uuid.
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        event: 'meeting.started',
        event_ts: 1_727_784_000_000,
        payload: {
          account_id: 'AAAAAABBBB',
          object: {
            id: '1234567890',
            uuid: eventId ?? randomBytes(16).toString('base64'),
            host_id: 'x1yCzABCDEfg23HiJKl4mN',
            topic: 'My Meeting',
            type: 2,
            start_time: '2024-10-01T12:00:00Z',
            timezone: 'America/Los_Angeles',
          },
        },
      }),
      'utf8',
    ),
  sign({ body, secret, now }) {
    const ts = String(Math.floor(now / 1000));
    const mac = createHmac('sha256', secret).update(`v0:${ts}:`, 'utf8').update(body);
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-zm-request-timestamp': ts,
        'x-zm-signature': `v0=${mac.digest('hex')}`,
        'user-agent': 'Zoom Marketplace/1.0a',
      },
      body,
    };
  },
};
