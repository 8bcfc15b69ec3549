import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

const middleware = 'https://integration-middleware.me.restaurant-partners.com/v2/order/status';

/**
 * A Talabat (Jordan) order dispatch, shaped after the Delivery Hero POS plugin API order schema
 * (the seeds name Talabat but show no payload): same dish and prices as the Careem sample. A
 * product's unitPrice is without its toppings: 2 × (5.000 + 0.500) = 11.000. `token` is the
 * order's id (Talabat's event id).
 */
const sampleOrder = (token: string) => ({
  token,
  code: `${token.slice(0, 4)}-${token.slice(-4)}`,
  shortCode: '42',
  createdAt: '2025-10-01T12:00:00.000Z',
  expiryDate: '2025-10-01T12:10:00.000Z',
  expeditionType: 'delivery',
  preOrder: false,
  test: true,
  corporateOrder: false,
  mobileOrder: true,
  webOrder: false,
  platformRestaurant: { id: 'TB-JO-104233' },
  localInfo: {
    platform: 'Talabat',
    platformKey: 'TB_JO',
    countryCode: 'JO',
    currencySymbol: 'JOD',
    currencySymbolPosition: 'left',
    decimalDigits: '3',
    decimalSeparator: '.',
    thousandsSeparator: ',',
  },
  customer: {
    id: 'cus-7781203',
    firstName: 'Ahmed',
    lastName: 'Ali',
    email: 'ahmed@example.com',
    mobilePhone: '+962791234567',
    mobilePhoneCountryCode: '+962',
    flags: [],
  },
  delivery: {
    address: {
      street: 'King Abdullah Street',
      number: '12',
      building: 'Abdoun Towers',
      city: 'Amman',
      postcode: '11183',
      latitude: 31.9539,
      longitude: 35.9106,
      deliveryInstructions: 'Ring the bell twice',
    },
    expectedDeliveryTime: '2025-10-01T12:40:00.000Z',
    riderPickupTime: '2025-10-01T12:25:00.000Z',
    expressDelivery: false,
  },
  comments: { customerComment: 'No onions, please', vendorComment: '' },
  payment: { status: 'paid', type: 'creditcard', remoteCode: 'ONLINE' },
  price: {
    subTotal: '11.000',
    deliveryFee: '2.000',
    serviceFeeTotal: '1.000',
    vatTotal: '2.240',
    grandTotal: '16.240',
    payRestaurant: '16.240',
    collectFromCustomer: '0.000',
    discountAmountTotal: '0.000',
    riderTip: '0.000',
  },
  discounts: [],
  products: [
    {
      id: 'prd-551',
      remoteCode: 'item-001',
      categoryName: 'Burgers',
      name: 'Chicken Burger',
      quantity: '2',
      unitPrice: '5.000',
      paidPrice: '11.000',
      comment: '',
      variation: { name: 'Regular' },
      selectedToppings: [
        {
          id: 'top-91',
          remoteCode: 'opt-001',
          name: 'Extra Cheese',
          price: '0.500',
          quantity: 1,
          type: 'EXTRA',
          children: [],
        },
      ],
    },
  ],
  callbackUrls: {
    orderAcceptedUrl: `${middleware}/${token}/accepted`,
    orderRejectedUrl: `${middleware}/${token}/rejected`,
    orderPickedUpUrl: `${middleware}/${token}/picked-up`,
    orderPreparedUrl: `${middleware}/${token}/prepared`,
  },
});

/** The vendor (POS remoteId) of the example configuration's branch (hookgate.example.yaml). */
const exampleRemoteId = 'TB-REMOTE-7';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Delivery Hero's middleware calling the plugin: `POST /order/{remoteId}` with
 * `Authorization: Bearer <JWT>`, HS512 over `{"service":"middleware"}` with a short expiry.
 */
export const talabatSimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(JSON.stringify(sampleOrder(eventId ?? randomUUID())), 'utf8'),
  // The order goes to the vendor's path: a branch the source maps, so the transform places it.
  sign({ body, secret, now, branch }) {
    const seconds = Math.floor(now / 1000);
    const signingInput = `${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url({
      service: 'middleware',
      iat: seconds,
      exp: seconds + 300,
      jti: randomUUID(),
    })}`;
    const signature = createHmac('sha512', secret).update(signingInput).digest('base64url');
    return {
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${signingInput}.${signature}`,
      },
      body,
      pathSuffix: `/order/${encodeURIComponent(branch ?? exampleRemoteId)}`,
    };
  },
};
