import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transformOrder } from '../../../src/orders/transform.ts';
import { orderRules } from '../../../src/orders/rules/order-rules.ts';
import {
  careemInput,
  careemSeedSample,
  clone,
  config,
  talabatDispatch,
  talabatInput,
} from './fixtures.ts';

const careem = (mutate: (body: typeof careemSeedSample) => void) => {
  const body = clone(careemSeedSample);
  mutate(body);
  return transformOrder(careemInput(body), config);
};

test('a bad phone is invalid, with the number in the reason', () => {
  assert.deepEqual(
    careem((b) => {
      b.customer.phone_number = '0612345678';
    }),
    {
      kind: 'invalid',
      reasons: ['customer.phone "0612345678" is not a mobile number (expected like +962791234567)'],
    },
  );
});

test('no items, and items missing their parts', () => {
  assert.deepEqual(
    careem((b) => {
      b.items = [];
      b.price.subtotal = 0;
      b.price.total_taxable_price = 5.24;
    }),
    { kind: 'invalid', reasons: ['items: the order has no items'] },
  );
  const body = clone(careemSeedSample) as Record<string, unknown>;
  delete body.items;
  const none = transformOrder(careemInput(body), config);
  assert.equal(none.kind, 'invalid');
  assert.ok(none.kind === 'invalid' && none.reasons.includes('items: the order has no items'));
  const partial = careem((b) => {
    b.items = [{ quantity: 1 } as never];
  });
  assert.ok(partial.kind === 'invalid');
  assert.ok(partial.reasons.includes('items[0].name is missing'));
  assert.ok(partial.reasons.includes('items[0].unitPrice is missing'));
});

test('required fields missing', () => {
  const body = { items: [{ name: 'Tea', quantity: 1, price: 1 }] };
  assert.deepEqual(transformOrder(careemInput(body), config), {
    kind: 'invalid',
    reasons: [
      'externalOrderId is missing',
      'customer.name is missing',
      'customer.phone is missing',
      'pricing.total is missing',
    ],
  });
});

test('totals off by 0.01 are refused, each with its arithmetic', () => {
  assert.deepEqual(
    careem((b) => {
      b.items[0]!.total_price = 11.01;
    }),
    {
      kind: 'invalid',
      reasons: [
        'items[0].total 11.010 ≠ 2 × 5.000 + 1.000 = 11.000',
        'pricing.subtotal 11.000 ≠ Σ items[].total = 11.010',
      ],
    },
  );
  assert.deepEqual(
    careem((b) => {
      b.price.total_taxable_price = 16.25;
    }),
    {
      kind: 'invalid',
      reasons: [
        'pricing.total 16.250 ≠ 11.000 (subtotal) + 2.000 (delivery) + 1.000 (service) + ' +
          '2.240 (tax) = 16.240',
      ],
    },
  );
  const body = clone(talabatDispatch);
  body.price.grandTotal = '13.990';
  assert.deepEqual(transformOrder(talabatInput(body), config), {
    kind: 'invalid',
    reasons: [
      'pricing.total 13.990 ≠ 13.750 (subtotal) + 1.000 (delivery) + 0.500 (service) + ' +
        '0.250 (other fees) − 1.500 (discount) = 14.000',
    ],
  });
});

test('a difference of one fils (the tolerance) is accepted; the stated figure is kept', () => {
  const result = careem((b) => {
    b.price.total_taxable_price = 16.241;
  });
  assert.ok(result.kind === 'order', JSON.stringify(result));
  assert.equal(result.envelope.transformedOrder.pricing.total, '16.241');
});

test('amounts with more decimals than JOD has are refused; float noise is not', () => {
  assert.deepEqual(
    careem((b) => {
      b.price.tax_amount = 2.2401;
    }),
    {
      kind: 'invalid',
      reasons: [
        'price.tax_amount 2.2401 has more than 3 decimals',
        'pricing.total 16.240 ≠ 11.000 (subtotal) + 2.000 (delivery) + 1.000 (service) = 14.000',
      ],
    },
  );
  const noisy = careem((b) => {
    b.price.total_taxable_price = 11 + 2 + 1 + 2.24; // 16.240000000000002
  });
  assert.ok(noisy.kind === 'order', JSON.stringify(noisy));
  assert.equal(noisy.envelope.transformedOrder.pricing.total, '16.240');
  const body = clone(talabatDispatch);
  body.price.deliveryFee = '1.0001';
  const talabat = transformOrder(talabatInput(body), config);
  assert.ok(talabat.kind === 'invalid');
  assert.equal(talabat.reasons[0], 'price.deliveryFee "1.0001" has more than 3 decimals');
});

test('coordinates outside Jordan, swapped, or half given', () => {
  assert.deepEqual(
    careem((b) => {
      b.customer.address.latitude = 24.7136; // Riyadh
      b.customer.address.longitude = 46.6753;
    }),
    {
      kind: 'invalid',
      reasons: ['deliveryAddress.coordinates (24.7136, 46.6753) is outside Jordan'],
    },
  );
  assert.deepEqual(
    careem((b) => {
      b.customer.address.latitude = 35.9106;
      b.customer.address.longitude = 31.9539;
    }),
    {
      kind: 'invalid',
      reasons: [
        'deliveryAddress.coordinates (35.9106, 31.9539) is outside Jordan (latitude and longitude swapped?)',
      ],
    },
  );
  const half = careem((b) => {
    delete (b.customer.address as Partial<typeof b.customer.address>).longitude;
  });
  assert.deepEqual(half, {
    kind: 'invalid',
    reasons: ['deliveryAddress.coordinates: latitude and longitude must come together'],
  });
  const noCoordinates = careem((b) => {
    const address = b.customer.address as Partial<typeof b.customer.address>;
    delete address.latitude;
    delete address.longitude;
  });
  assert.ok(noCoordinates.kind === 'order');
  assert.equal(noCoordinates.envelope.transformedOrder.deliveryAddress?.coordinates, null);
});

test('a currency other than JOD is refused', () => {
  const body = clone(talabatDispatch);
  body.localInfo.currencySymbol = 'AED';
  assert.deepEqual(transformOrder(talabatInput(body), config), {
    kind: 'invalid',
    reasons: ['currency AED is not JOD (Jordan)'],
  });
});

test('an unknown merchant id is a configuration problem (not retried)', () => {
  assert.deepEqual(
    transformOrder(careemInput(careemSeedSample, { 'x-merchant-id': 'MERCHANT-ZARQA-9' }), config),
    { kind: 'configuration', reasons: ['careem merchant "MERCHANT-ZARQA-9" is not in branches'] },
  );
  // Object.prototype names are not branches.
  assert.equal(
    transformOrder(careemInput(careemSeedSample, { 'x-merchant-id': 'constructor' }), config).kind,
    'configuration',
  );
  assert.deepEqual(
    transformOrder(careemInput(careemSeedSample), { ...config, country: 'XX' as 'JO' }),
    { kind: 'configuration', reasons: ['country "XX" has no rules'] },
  );
});

test('bodies that are not JSON objects are invalid', () => {
  assert.equal(transformOrder(careemInput('{"id": '), config).kind, 'invalid');
  assert.deepEqual(transformOrder(careemInput('[1,2]'), config), {
    kind: 'invalid',
    reasons: ['body is not a JSON object'],
  });
});

test('Careem option prices above the item price are refused (item_price includes them)', () => {
  const result = careem((b) => {
    b.items[0]!.item_price = 0.4;
    b.items[0]!.total_price = 0.8;
  });
  assert.ok(result.kind === 'invalid');
  assert.equal(
    result.reasons[0],
    'items[0].item_price 0.4 is less than its options 0.5 (Careem prices include the options)',
  );
});

test('every rule has a unique id and a description (they are listed in docs/orders.md)', () => {
  const ids = orderRules.map((rule) => rule.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const rule of orderRules) assert.ok(rule.description.length > 0);
});
