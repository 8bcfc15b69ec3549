import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Sends like Shopify's classic webhooks: `X-Shopify-Hmac-Sha256` (base64) and its companions. */
export const shopifySimulator: Simulator = {
  sample() {
    const body = {
      id: 5712345678901,
      admin_graphql_api_id: 'gid://shopify/Order/5712345678901',
      email: 'jon@example.com',
      created_at: '2024-05-01T12:00:00-04:00',
      currency: 'USD',
      financial_status: 'paid',
      name: '#9999',
      total_price: '403.00',
      line_items: [{ id: 14512345678901, title: 'IPod Nano - 8GB', quantity: 1, price: '199.00' }],
      customer: { id: 7012345678901, email: 'john@example.com', first_name: 'John' },
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret, now, eventId }) {
    return {
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': 'example.myshopify.com',
        'x-shopify-api-version': '2025-01',
        'x-shopify-webhook-id': eventId ?? randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': new Date(now).toISOString(),
      },
      body,
    };
  },
};
