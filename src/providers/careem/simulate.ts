import { randomInt } from 'node:crypto';
import { hmac } from '../../verify/hmac.ts';
import type { Simulator } from '../simulator.ts';
import type { CareemOptions } from './provider.ts';

/** Seed 001 §4.1's sample Careem order (Amman, JOD), verbatim; the order tests use it too. */
export const careemSampleOrder = {
  id: 'CR123456789',
  status: 'created',
  order_number: 'ORD-001',
  created_at: '2025-10-01T12:00:00Z',
  customer: {
    name: 'Ahmed Ali',
    phone_number: '+962791234567',
    email: 'ahmed@example.com',
    address: {
      street: 'King Abdullah Street',
      area: 'Abdoun',
      city: 'Amman',
      latitude: 31.9539,
      longitude: 35.9106,
    },
  },
  items: [
    {
      id: 'item-001',
      name: 'Chicken Burger',
      name_ar: 'برجر دجاج',
      quantity: 2,
      item_price: 5.5,
      total_price: 11.0,
      groups: [
        {
          name: 'Add-ons',
          options: [{ id: 'opt-001', name: 'Extra Cheese', price: 0.5, quantity: 1 }],
        },
      ],
    },
  ],
  price: {
    subtotal: 11.0,
    delivery_fee: 2.0,
    service_fee: 1.0,
    tax_amount: 2.24,
    total_taxable_price: 16.24,
  },
  delivery_type: 'careem',
  merchant_pay_type: 'cash',
};

/** The merchant of the example configuration's branch (hookgate.example.yaml). */
const exampleMerchant = 'MERCHANT-AMMAN-01';

/**
 * Signs as seed 000's curl example does: `openssl dgst -sha256 -hmac <secret>` of the body. The
 * sample is seed 001's order, with a new order id (Careem's event id) each time and the
 * merchant id of a branch the source maps, so it passes the `careem-order` transform.
 */
export const careemSimulator: Simulator = {
  sample: ({ eventId, branch } = {}) =>
    Buffer.from(
      JSON.stringify({
        ...careemSampleOrder,
        id: eventId ?? `CR${randomInt(100_000_000, 999_999_999)}`,
        merchant_id: branch ?? exampleMerchant,
      }),
      'utf8',
    ),
  sign({ body, secret, options }) {
    const o = options as CareemOptions; // already parsed by the provider's schema
    const signature = hmac(o.algorithm, secret, body).toString(o.encoding);
    return {
      headers: { 'content-type': 'application/json', [o.header]: `${o.prefix}${signature}` },
      body,
    };
  },
};
