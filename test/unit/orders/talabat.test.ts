import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transformOrder } from '../../../src/orders/transform.ts';
import { parseTalabatPath } from '../../../src/orders/talabat.ts';
import { clone, config, talabatDispatch, talabatInput } from './fixtures.ts';

test('a Delivery Hero order dispatch becomes exactly this normalized order', () => {
  const result = transformOrder(talabatInput(talabatDispatch), config);
  assert.ok(result.kind === 'order', JSON.stringify(result));
  assert.deepEqual(result.envelope.transformedOrder, {
    orderNumber: 'TALABAT-gk5s-8xyp',
    externalOrderId: 'c2a1f0e4-7b8d-4e6a-9f3c-5d2b1a0e9c87',
    providerOrderNumber: '42',
    provider: 'talabat',
    branchId: 'branch-khalda',
    companyId: 'company-uuid',
    customerName: 'Lina Haddad',
    customerPhone: '+962785551234',
    customer: { name: 'Lina Haddad', phone: '+962785551234', email: 'lina@example.com' },
    orderType: 'delivery',
    deliveredBy: 'provider',
    deliveryAddress: {
      street: 'Wasfi Al Tal Street 45',
      area: 'Khalda',
      building: 'Al Bakri Building',
      city: 'Amman',
      instructions: 'الطابق الثالث',
      coordinates: { latitude: 31.9981, longitude: 35.8324 },
    },
    status: 'pending',
    providerStatus: null,
    items: [
      {
        externalId: 'item-001',
        name: 'Chicken Burger (Regular)',
        nameAr: null,
        quantity: 2,
        unitPrice: '5.000',
        options: [
          {
            externalId: 'opt-001',
            group: 'EXTRA',
            name: 'Extra Cheese',
            nameAr: null,
            quantity: 1,
            unitPrice: '0.500',
            total: '1.000',
          },
        ],
        optionsTotal: '1.000',
        total: '11.000',
        notes: null,
      },
      {
        externalId: 'item-014',
        name: 'فتوش',
        nameAr: null,
        quantity: 1,
        unitPrice: '2.250',
        options: [
          {
            externalId: 'opt-020',
            group: 'CHOICE',
            name: 'Dressing',
            nameAr: null,
            quantity: 1,
            unitPrice: '0.000',
            total: '0.000',
          },
          {
            externalId: 'opt-021',
            group: 'Dressing',
            name: 'دبس رمان',
            nameAr: null,
            quantity: 1,
            unitPrice: '0.500',
            total: '0.500',
          },
        ],
        optionsTotal: '0.500',
        total: '2.750',
        notes: 'بدون بصل',
      },
    ],
    pricing: {
      currency: 'JOD',
      subtotal: '13.750',
      deliveryFee: '1.000',
      serviceFee: '0.500',
      otherFees: '0.250',
      tip: '0.000',
      tax: '0.000',
      discount: '1.500',
      total: '14.000',
    },
    payment: { type: 'card', providerType: 'creditcard' },
    notes: 'Please call on arrival',
    timestamps: {
      placedAt: '2025-10-01T12:00:00.000Z',
      expectedAt: '2025-10-01T12:40:00.000Z',
      receivedAt: '2025-10-01T12:00:01.000Z',
    },
  });
  assert.equal(result.envelope.metadata.provider, 'talabat');
});

test('a status update becomes a status change for the same order', () => {
  const path =
    '/remoteId/TB-REMOTE-7/remoteOrder/c2a1f0e4-7b8d-4e6a-9f3c-5d2b1a0e9c87/posOrderStatus';
  const result = transformOrder(
    talabatInput({ status: 'ORDER_CANCELLED', message: 'Customer cancelled the order' }, path),
    config,
  );
  assert.ok(result.kind === 'status', JSON.stringify(result));
  assert.deepEqual(result.envelope, {
    originalWebhook: { status: 'ORDER_CANCELLED', message: 'Customer cancelled the order' },
    transformedOrder: {
      provider: 'talabat',
      externalOrderId: 'c2a1f0e4-7b8d-4e6a-9f3c-5d2b1a0e9c87',
      branchId: 'branch-khalda',
      companyId: 'company-uuid',
      status: 'cancelled',
      providerStatus: 'ORDER_CANCELLED',
      reason: 'Customer cancelled the order',
      receivedAt: '2025-10-01T12:00:01.000Z',
    },
    metadata: {
      provider: 'talabat',
      transformedAt: '2025-10-01T12:00:02.000Z',
      version: '1.0.0',
      eventId: 'evt-talabat-1',
      sanitizedFields: [],
    },
  });

  const picked = transformOrder(talabatInput({ status: 'ORDER_PICKED_UP' }, path), config);
  assert.ok(picked.kind === 'status');
  assert.equal(picked.envelope.transformedOrder.status, 'out_for_delivery');
  assert.equal(picked.envelope.transformedOrder.reason, null);
});

test('status updates without a known status are invalid', () => {
  const path = '/remoteId/TB-REMOTE-7/remoteOrder/abc/posOrderStatus';
  assert.deepEqual(transformOrder(talabatInput({}, path), config), {
    kind: 'invalid',
    reasons: ['status is missing'],
  });
  assert.deepEqual(transformOrder(talabatInput({ status: 'ORDER_EATEN' }, path), config), {
    kind: 'invalid',
    reasons: ['status "ORDER_EATEN" is not a known talabat status'],
  });
});

test('paths: order, status (encoded, query ignored), anything else', () => {
  assert.deepEqual(parseTalabatPath('/order/TB%2F7?x=1'), { kind: 'order', remoteId: 'TB/7' });
  assert.deepEqual(parseTalabatPath('/remoteId/R/remoteOrder/O/posOrderStatus/'), {
    kind: 'status',
    remoteId: 'R',
    remoteOrderId: 'O',
  });
  assert.equal(parseTalabatPath('/remoteId/R/availability'), null);
  const other = transformOrder(talabatInput(talabatDispatch, '/menuimport/R'), config);
  assert.equal(other.kind, 'invalid');
});

test('an unknown remoteId is a configuration problem, for orders and status updates', () => {
  assert.deepEqual(transformOrder(talabatInput(talabatDispatch, '/order/NOPE'), config), {
    kind: 'configuration',
    reasons: ['talabat remoteId "NOPE" is not in branches'],
  });
  const status = transformOrder(
    talabatInput({ status: 'ORDER_CANCELLED' }, '/remoteId/NOPE/remoteOrder/o/posOrderStatus'),
    config,
  );
  assert.equal(status.kind, 'configuration');
});

test('pickup orders, delivery fees as a list, discounts as a list, a topping paid twice', () => {
  const body = clone(talabatDispatch) as Record<string, unknown> & typeof talabatDispatch;
  body.expeditionType = 'pickup';
  const price = body.price as Record<string, unknown>;
  delete price.deliveryFee;
  delete price.discountAmountTotal;
  price.deliveryFees = [
    { name: 'Delivery', value: '0.600' },
    { name: 'Small order', value: '0.400' },
  ];
  const burger = body.products[0];
  assert.ok(burger);
  burger.selectedToppings[0]!.quantity = 2; // double cheese on each burger: 2 × (5 + 2 × 0.5)
  burger.paidPrice = '12.000';
  price.subTotal = '14.750';
  price.grandTotal = '15.000';
  const result = transformOrder(talabatInput(body), config);
  assert.ok(result.kind === 'order', JSON.stringify(result));
  const order = result.envelope.transformedOrder;
  assert.equal(order.orderType, 'pickup');
  assert.equal(order.deliveryAddress, null);
  assert.equal(order.deliveredBy, null);
  assert.equal(order.pricing.deliveryFee, '1.000');
  assert.equal(order.pricing.discount, '1.500');
  assert.equal(order.items[0]?.options[0]?.total, '2.000');
});
