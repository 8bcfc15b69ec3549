import { createHmac, randomBytes } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Signs like Stripe: `Stripe-Signature: t=<now>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const stripeSimulator: Simulator = {
  sample({ eventId } = {}) {
    const created = 1_714_564_800;
    const event = {
      id: eventId ?? 'evt_' + randomBytes(12).toString('hex'),
      object: 'event',
      api_version: '2024-04-10',
      created,
      data: {
        object: {
          id: 'pi_3PBkVwLkdIwHu7ix0QyFSqa1',
          object: 'payment_intent',
          amount: 2000,
          amount_received: 2000,
          currency: 'usd',
          status: 'succeeded',
          created,
          livemode: false,
          metadata: { order_id: '6735' },
        },
      },
      livemode: false,
      pending_webhooks: 1,
      request: { id: 'req_8m3Ah0N0bLx3Yz', idempotency_key: null },
      type: 'payment_intent.succeeded',
    };
    return Buffer.from(JSON.stringify(event, null, 2), 'utf8');
  },
  sign({ body, secret, now }) {
    const t = Math.floor(now / 1000);
    // The whole whsec_… string is the key, as Stripe uses it.
    const v1 = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': `t=${t},v1=${v1}`,
      },
      body,
    };
  },
};
