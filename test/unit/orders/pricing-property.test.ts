import { test } from 'node:test';
import assert from 'node:assert/strict';
import Big from 'big.js';
import fc from 'fast-check';
import { transformOrder } from '../../../src/orders/transform.ts';
import { config, talabatInput } from './fixtures.ts';

const runs = Number(process.env.HOOKGATE_PROPERTY_RUNS ?? 300);

/** An amount in fils (0.001 JOD), as the exact decimal text a provider would send. */
const fils = (max: number) => fc.integer({ min: 0, max }).map((n) => new Big(n).div(1000));
const asText = (value: Big) => value.toFixed(3);
const threeDecimals = /^\d+\.\d{3}$/;

const line = fc.record({
  quantity: fc.integer({ min: 1, max: 50 }),
  unitPrice: fils(99_999),
  toppings: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 3 }), price: fils(5_000) }), {
    maxLength: 3,
  }),
});

test('decimal pricing never drifts: totals are exact big.js sums with 3 decimals', () => {
  fc.assert(
    fc.property(
      fc.array(line, { minLength: 1, maxLength: 8 }),
      fils(10_000),
      fils(10_000),
      fils(5_000),
      fc.boolean(),
      (lines, deliveryFee, serviceFee, tax, asNumbers) => {
        // Providers send amounts as numbers or strings; both must give the same result.
        const amount = (value: Big) => (asNumbers ? Number(value.toString()) : asText(value));
        const expectedLines = lines.map((l) => {
          const toppings = l.toppings.reduce(
            (sum, t) => sum.plus(t.price.times(t.quantity)),
            new Big(0),
          );
          return l.unitPrice.plus(toppings).times(l.quantity);
        });
        const subtotal = expectedLines.reduce((sum, v) => sum.plus(v), new Big(0));
        const total = subtotal.plus(deliveryFee).plus(serviceFee).plus(tax);
        const body = {
          token: 'tok-1',
          code: 'c-1',
          customer: { firstName: 'A', lastName: 'B', mobilePhone: '0791234567' },
          products: lines.map((l, i) => ({
            name: `P${i}`,
            quantity: String(l.quantity),
            unitPrice: amount(l.unitPrice),
            paidPrice: amount(expectedLines[i]!),
            selectedToppings: l.toppings.map((t, j) => ({
              name: `T${j}`,
              quantity: t.quantity,
              price: amount(t.price),
            })),
          })),
          price: {
            subTotal: amount(subtotal),
            deliveryFee: amount(deliveryFee),
            serviceFeeTotal: amount(serviceFee),
            vatTotal: amount(tax),
            grandTotal: amount(total),
          },
        };
        const result = transformOrder(talabatInput(body), config);
        assert.ok(result.kind === 'order', JSON.stringify(result));
        const order = result.envelope.transformedOrder;
        assert.equal(order.pricing.subtotal, asText(subtotal));
        assert.equal(order.pricing.total, asText(total));
        order.items.forEach((item, i) => {
          assert.equal(item.total, asText(expectedLines[i]!));
          assert.ok(
            new Big(item.unitPrice).times(item.quantity).plus(item.optionsTotal).eq(item.total),
          );
        });
        const strings = [
          ...Object.entries(order.pricing)
            .filter(([key]) => key !== 'currency')
            .map(([, v]) => v),
          ...order.items.flatMap((i) => [i.unitPrice, i.optionsTotal, i.total]),
          ...order.items.flatMap((i) => i.options.flatMap((o) => [o.unitPrice, o.total])),
        ];
        for (const s of strings) assert.match(s, threeDecimals);
      },
    ),
    { numRuns: runs },
  );
});
