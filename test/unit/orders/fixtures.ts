import { careemSampleOrder } from '../../../src/providers/careem/simulate.ts';

/** Order payloads from the seeds and built after them, shared by the order tests. */

/** Seed 001 §4.1's sample Careem webhook, verbatim (the Careem simulator sends it too). */
export const careemSeedSample = careemSampleOrder;

/** Seed 000's curl test payload, byte for byte. */
export const careemCurlPayload =
  '{"order_id":"TEST123","customer":{"name":"Test Customer","phone":"0791234567"},"items":[{"name":"Test Item","quantity":1,"price":10.00}],"total_amount":10.00}';

/**
 * A Talabat (Jordan) dispatch in the Delivery Hero POS plugin order shape: prices as strings,
 * toppings per unit, a nested topping, an Arabic product, a discount and a container charge.
 */
export const talabatDispatch = {
  token: 'c2a1f0e4-7b8d-4e6a-9f3c-5d2b1a0e9c87',
  code: 'gk5s-8xyp',
  shortCode: '42',
  createdAt: '2025-10-01T12:00:00.000Z',
  expiryDate: '2025-10-01T12:10:00.000Z',
  expeditionType: 'delivery',
  preOrder: false,
  test: true,
  platformRestaurant: { id: 'TB-JO-104233' },
  localInfo: { platform: 'Talabat', countryCode: 'JO', currencySymbol: 'JOD', decimalDigits: '3' },
  customer: {
    id: 'cus-7781203',
    firstName: 'Lina',
    lastName: 'Haddad',
    email: 'lina@example.com',
    mobilePhone: '00962 78 555 1234',
    mobilePhoneCountryCode: '+962',
  },
  delivery: {
    address: {
      street: 'Wasfi Al Tal Street',
      number: '45',
      building: 'Al Bakri Building',
      deliveryArea: 'Khalda',
      city: 'Amman',
      postcode: '11953',
      latitude: 31.9981,
      longitude: 35.8324,
      deliveryInstructions: 'الطابق الثالث',
    },
    expectedDeliveryTime: '2025-10-01T12:40:00.000Z',
    riderPickupTime: '2025-10-01T12:25:00.000Z',
  },
  comments: { customerComment: 'Please call on arrival' },
  payment: { status: 'paid', type: 'creditcard', remoteCode: 'ONLINE' },
  price: {
    subTotal: '13.750',
    deliveryFee: '1.000',
    serviceFeeTotal: '0.500',
    containerCharge: '0.250',
    riderTip: '0.000',
    vatTotal: '0.000',
    discountAmountTotal: '1.500',
    grandTotal: '14.000',
    payRestaurant: '14.000',
    collectFromCustomer: '0.000',
  },
  discounts: [{ name: 'Welcome', amount: '1.500', type: 'VOUCHER' }],
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
    {
      id: 'prd-712',
      remoteCode: 'item-014',
      categoryName: 'Salads',
      name: 'فتوش',
      quantity: '1',
      unitPrice: '2.250',
      paidPrice: '2.750',
      comment: 'بدون بصل',
      selectedToppings: [
        {
          id: 'top-12',
          remoteCode: 'opt-020',
          name: 'Dressing',
          price: '0.000',
          quantity: 1,
          type: 'CHOICE',
          children: [
            {
              id: 'top-13',
              remoteCode: 'opt-021',
              name: 'دبس رمان',
              price: '0.500',
              quantity: 1,
              type: 'EXTRA',
              children: [],
            },
          ],
        },
      ],
    },
  ],
};

export const branches = {
  'MERCHANT-AMMAN-01': { branchId: 'branch-uuid', companyId: 'company-uuid' },
  'TB-REMOTE-7': { branchId: 'branch-khalda', companyId: 'company-uuid' },
};

export const receivedAt = Date.UTC(2025, 9, 1, 12, 0, 1);
export const now = Date.UTC(2025, 9, 1, 12, 0, 2);

export function careemInput(body: unknown, headers: Record<string, string> = {}) {
  return {
    provider: 'careem' as const,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8'),
    headers: { 'x-merchant-id': 'MERCHANT-AMMAN-01', ...headers },
    subpath: '/',
    eventId: 'evt-careem-1',
    receivedAt,
    now,
  };
}

export function talabatInput(body: unknown, subpath = '/order/TB-REMOTE-7') {
  return {
    provider: 'talabat' as const,
    body: Buffer.from(JSON.stringify(body), 'utf8'),
    headers: { authorization: 'Bearer x.y.z' },
    subpath,
    eventId: 'evt-talabat-1',
    receivedAt,
    now,
  };
}

export const config = { branches, country: 'JO' as const };

/** A deep copy to mutate in a test. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
