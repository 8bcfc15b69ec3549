import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Paddle signs `<ts>:<body>` and sends `ts=<ts>;h1=<hex>`. */
export const paddleSimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        event_id: eventId ?? `evt_${randomUUID().replaceAll('-', '').slice(0, 26)}`,
        event_type: 'transaction.completed',
        occurred_at: new Date().toISOString(),
        notification_id: `ntf_${randomUUID().replaceAll('-', '').slice(0, 26)}`,
        data: {
          id: 'txn_01hv8wptq8987qeep44cyrewp9',
          status: 'completed',
          customer_id: 'ctm_01hv6y1jedq4p1n0yqn5ba3ky4',
          currency_code: 'USD',
        },
      }),
      'utf8',
    ),
  sign({ body, secret, now }) {
    const ts = Math.floor(now / 1000);
    const h1 = createHmac('sha256', secret).update(`${ts}:`, 'utf8').update(body).digest('hex');
    return {
      headers: { 'content-type': 'application/json', 'paddle-signature': `ts=${ts};h1=${h1}` },
      body,
    };
  },
};
