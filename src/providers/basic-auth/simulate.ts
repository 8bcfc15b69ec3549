import { randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Sends the secret (`user:password`) as HTTP Basic credentials; the sample is a generic event. */
export const basicAuthSimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        id: eventId ?? `evt_${randomUUID()}`,
        type: 'order.created',
        created_at: '2025-10-01T12:00:00Z',
        data: { order_id: 'ORD-001', total: 16.24, currency: 'JOD' },
      }),
      'utf8',
    ),
  sign({ body, secret }) {
    return {
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(secret, 'utf8').toString('base64')}`,
      },
      body,
    };
  },
};
