import { createHmac } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Zoom signs `v0:<ts>:<body>` with the app's Secret Token. */
export const zoomSimulator: Simulator = {
  sample: () =>
    Buffer.from(
      JSON.stringify({
        event: 'meeting.started',
        event_ts: Date.now(),
        payload: {
          account_id: 'AAAAAABBBB',
          object: {
            id: '1234567890',
            uuid: '4444AAAiAAAAAiAiAiiAii==',
            host_id: 'x1yCzABCDEfg23HiJKl4mN',
            topic: 'My Meeting',
            type: 2,
            start_time: new Date().toISOString(),
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
