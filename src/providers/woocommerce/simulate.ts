import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import { woocommerceKey } from './secret.ts';

/** WooCommerce signs the body with the entity-decoded secret. */
export const woocommerceSimulator: Simulator = {
  sample: () =>
    Buffer.from(
      JSON.stringify({
        id: 727,
        status: 'processing',
        currency: 'USD',
        date_created: '2024-05-01T10:00:00',
        total: '29.35',
        billing: { first_name: 'John', last_name: 'Doe', email: 'john.doe@example.com' },
        line_items: [
          { id: 315, name: 'Woo Single #1', product_id: 93, quantity: 2, total: '6.00' },
        ],
      }),
      'utf8',
    ),
  sign({ body, secret, eventId }) {
    const signature = createHmac('sha256', woocommerceKey(secret)).update(body).digest('base64');
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'WooCommerce/8.8.3 Hookshot (WordPress/6.5.2)',
        'x-wc-webhook-source': 'https://shop.example.com/',
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'created',
        'x-wc-webhook-signature': signature,
        'x-wc-webhook-id': '12',
        'x-wc-webhook-delivery-id': eventId ?? randomUUID(),
      },
      body,
    };
  },
};
