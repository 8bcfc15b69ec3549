import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import type { SquareOptions } from './provider.ts';

/** Square signs the subscription's notification URL followed by the body. */
export const squareSimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        merchant_id: 'MLEFBHHSJGVHD',
        type: 'payment.updated',
        event_id: eventId ?? randomUUID(),
        created_at: new Date().toISOString(),
        data: {
          type: 'payment',
          id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
          object: { payment: { id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', status: 'COMPLETED' } },
        },
      }),
      'utf8',
    ),
  sign({ body, secret, now, options }) {
    const { notificationUrl } = options as SquareOptions;
    const mac = createHmac('sha256', secret).update(notificationUrl, 'utf8').update(body);
    return {
      headers: {
        'content-type': 'application/json',
        'x-square-hmacsha256-signature': mac.digest('base64'),
        'square-environment': 'Sandbox',
        'square-initial-delivery-timestamp': new Date(now).toISOString(),
        'square-retry-number': '0',
      },
      body,
    };
  },
};
