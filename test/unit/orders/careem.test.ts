import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transformOrder } from '../../../src/orders/transform.ts';
import { careemMerchantId, careemOrderNumber } from '../../../src/orders/careem.ts';
import { careemCurlPayload, careemInput, careemSeedSample, clone, config } from './fixtures.ts';

test("seed 001's Careem sample becomes exactly this normalized order", () => {
  const result = transformOrder(careemInput(careemSeedSample), config);
  assert.equal(result.kind, 'order');
  assert.ok(result.kind === 'order');
  assert.deepEqual(result.envelope.transformedOrder, {
    orderNumber: 'CAREEM-123456789',
    externalOrderId: 'CR123456789',
    providerOrderNumber: 'ORD-001',
    provider: 'careem',
    branchId: 'branch-uuid',
    companyId: 'company-uuid',
    customerName: 'Ahmed Ali',
    customerPhone: '+962791234567',
    customer: { name: 'Ahmed Ali', phone: '+962791234567', email: 'ahmed@example.com' },
    orderType: 'delivery',
    deliveredBy: 'provider',
    deliveryAddress: {
      street: 'King Abdullah Street',
      area: 'Abdoun',
      building: null,
      city: 'Amman',
      instructions: null,
      coordinates: { latitude: 31.9539, longitude: 35.9106 },
    },
    status: 'pending',
    providerStatus: 'created',
    items: [
      {
        externalId: 'item-001',
        name: 'Chicken Burger',
        nameAr: 'برجر دجاج',
        quantity: 2,
        // item_price 5.500 includes the 0.500 option.
        unitPrice: '5.000',
        options: [
          {
            externalId: 'opt-001',
            group: 'Add-ons',
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
    ],
    pricing: {
      currency: 'JOD',
      subtotal: '11.000',
      deliveryFee: '2.000',
      serviceFee: '1.000',
      otherFees: '0.000',
      tip: '0.000',
      tax: '2.240',
      discount: '0.000',
      total: '16.240',
    },
    payment: { type: 'cash', providerType: 'cash' },
    notes: null,
    timestamps: {
      placedAt: '2025-10-01T12:00:00.000Z',
      expectedAt: null,
      receivedAt: '2025-10-01T12:00:01.000Z',
    },
  });
  assert.deepEqual(result.envelope.metadata, {
    provider: 'careem',
    transformedAt: '2025-10-01T12:00:02.000Z',
    version: '1.0.0',
    eventId: 'evt-careem-1',
    sanitizedFields: [],
  });
  assert.deepEqual(result.envelope.originalWebhook, careemSeedSample);
});

test("seed 000's curl payload becomes exactly this normalized order", () => {
  const result = transformOrder(careemInput(careemCurlPayload), { ...config, version: '2.0.0' });
  assert.ok(result.kind === 'order', JSON.stringify(result));
  assert.deepEqual(result.envelope.transformedOrder, {
    orderNumber: 'CAREEM-TEST123',
    externalOrderId: 'TEST123',
    providerOrderNumber: null,
    provider: 'careem',
    branchId: 'branch-uuid',
    companyId: 'company-uuid',
    customerName: 'Test Customer',
    customerPhone: '+962791234567',
    customer: { name: 'Test Customer', phone: '+962791234567', email: null },
    orderType: 'delivery',
    deliveredBy: null,
    deliveryAddress: null,
    status: 'pending',
    providerStatus: null,
    items: [
      {
        externalId: null,
        name: 'Test Item',
        nameAr: null,
        quantity: 1,
        unitPrice: '10.000',
        options: [],
        optionsTotal: '0.000',
        total: '10.000',
        notes: null,
      },
    ],
    pricing: {
      currency: 'JOD',
      subtotal: '10.000',
      deliveryFee: '0.000',
      serviceFee: '0.000',
      otherFees: '0.000',
      tip: '0.000',
      tax: '0.000',
      discount: '0.000',
      total: '10.000',
    },
    payment: { type: 'unknown', providerType: null },
    notes: null,
    timestamps: { placedAt: null, expectedAt: null, receivedAt: '2025-10-01T12:00:01.000Z' },
  });
  assert.equal(result.envelope.metadata.version, '2.0.0');
});

test('the same input gives the same result (no hidden clock)', () => {
  const a = transformOrder(careemInput(careemSeedSample), config);
  const b = transformOrder(careemInput(careemSeedSample), config);
  assert.deepEqual(a, b);
});

test('merchant id: header, else payload; a conflict is refused', () => {
  assert.deepEqual(careemMerchantId({}, { 'X-Merchant-Id': ' M1 ' }), {
    ok: true,
    merchantId: 'M1',
  });
  assert.deepEqual(careemMerchantId({ merchant_id: 'M2' }, {}), { ok: true, merchantId: 'M2' });
  assert.deepEqual(careemMerchantId({ merchant: { id: 77 } }, {}), { ok: true, merchantId: '77' });
  assert.deepEqual(careemMerchantId({ merchant_id: 'M1' }, { 'x-merchant-id': 'M1' }), {
    ok: true,
    merchantId: 'M1',
  });
  const conflict = careemMerchantId({ merchant_id: 'M2' }, { 'x-merchant-id': 'M1' });
  assert.deepEqual(conflict, {
    ok: false,
    reason: 'x-merchant-id header "M1" ≠ payload merchant_id "M2"',
  });
  assert.equal(careemMerchantId({}, {}).ok, false);

  const body = { ...careemSeedSample, merchant_id: 'MERCHANT-AMMAN-01' };
  const input = { ...careemInput(body), headers: {} };
  assert.equal(transformOrder(input, config).kind, 'order');
  const missing = transformOrder({ ...careemInput(careemSeedSample), headers: {} }, config);
  assert.deepEqual(missing, {
    kind: 'invalid',
    reasons: ['merchant id missing: no x-merchant-id header and none in the payload'],
  });
});

test('order number drops the CR prefix only before digits', () => {
  assert.equal(careemOrderNumber('CR123456789'), 'CAREEM-123456789');
  assert.equal(careemOrderNumber('cr42'), 'CAREEM-42');
  assert.equal(careemOrderNumber('CRUMB-1'), 'CAREEM-CRUMB-1');
});

test('variations: alternative field names, string amounts, no options, pickup, card', () => {
  const body = {
    order_id: 99001,
    order_status: 'Ready For Pickup',
    createdAt: '2025-10-01T15:30:00+03:00',
    customer: { first_name: 'Sara', last_name: 'Khalil', phone: '079 555 1234' },
    delivery_type: 'pickup',
    payment_method: 'credit_card',
    currency: 'JOD',
    items: [
      { item_id: 'x', name: 'Mansaf', name_ar: 'منسف', qty: '1', price: '8.750' },
      {
        name: 'Tea',
        quantity: 3,
        unit_price: '0.600',
        total: '1.800',
        modifiers: [{ name: 'Mint', name_ar: 'نعناع', price: '0.100' }],
      },
    ],
    subtotal: '10.550',
    total_amount: '10.550',
  };
  const result = transformOrder(careemInput(body), config);
  assert.ok(result.kind === 'order', JSON.stringify(result));
  const order = result.envelope.transformedOrder;
  assert.equal(order.externalOrderId, '99001');
  assert.equal(order.status, 'ready');
  assert.equal(order.providerStatus, 'Ready For Pickup');
  assert.equal(order.customerName, 'Sara Khalil');
  assert.equal(order.customerPhone, '+962795551234');
  assert.equal(order.orderType, 'pickup');
  assert.equal(order.deliveryAddress, null);
  assert.deepEqual(order.payment, { type: 'card', providerType: 'credit_card' });
  assert.equal(order.timestamps.placedAt, '2025-10-01T12:30:00.000Z');
  assert.deepEqual(
    order.items.map((i) => [i.name, i.nameAr, i.unitPrice, i.optionsTotal, i.total]),
    [
      ['Mansaf', 'منسف', '8.750', '0.000', '8.750'],
      // 0.600 with mint included: 3 × 0.500 + 3 × 0.100.
      ['Tea', null, '0.500', '0.300', '1.800'],
    ],
  );
  assert.equal(order.items[1]?.options[0]?.nameAr, 'نعناع');
  assert.equal(order.pricing.total, '10.550');
});

test('a status word missing from the table is refused, not guessed', () => {
  const body = clone(careemSeedSample);
  body.status = 'teleported';
  assert.deepEqual(transformOrder(careemInput(body), config), {
    kind: 'invalid',
    reasons: ['status "teleported" is not a known careem status'],
  });
});

test('a cancelled Careem order is an order with status cancelled', () => {
  const body = clone(careemSeedSample);
  body.status = 'canceled';
  const result = transformOrder(careemInput(body), config);
  assert.ok(result.kind === 'order');
  assert.equal(result.envelope.transformedOrder.status, 'cancelled');
});
