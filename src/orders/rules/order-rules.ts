import Big from 'big.js';
import type { DraftOrder } from '../draft.ts';
import { formatMoney } from '../money.ts';
import {
  computedItemTotal,
  computedTotal,
  itemsTotal,
  optionsTotal,
  totalParts,
} from '../pricing.ts';
import type { CountryRules } from './country-rules.ts';
import { coordinatesProblem } from './coordinates.ts';
import { normalizePhone } from './phone.ts';

/**
 * The checks every order goes through, as a list: each rule has an id, says what it checks, and
 * returns precise reasons (empty when satisfied). Country specifics come from CountryRules.
 */
export interface OrderRule {
  id: string;
  description: string;
  check(order: DraftOrder, country: CountryRules): string[];
}

/** Fields an order cannot go to the kitchen without, by their normalized path. */
export const requiredFields: readonly { path: string; value: (o: DraftOrder) => unknown }[] = [
  { path: 'externalOrderId', value: (o) => o.externalOrderId },
  { path: 'customer.name', value: (o) => o.customer.name },
  { path: 'customer.phone', value: (o) => o.customer.phone },
  { path: 'pricing.total', value: (o) => o.pricing.total },
];

const money = (value: Big, country: CountryRules) => formatMoney(value, country.currencyDecimals);

function differs(stated: Big, computed: Big, country: CountryRules): boolean {
  return stated.minus(computed).abs().gt(new Big(country.tolerance));
}

export const orderRules: readonly OrderRule[] = [
  {
    id: 'required-fields',
    description: 'order id, customer name and phone, and the total are present',
    check: (order) =>
      requiredFields
        .filter((field) => field.value(order) === null)
        .map((field) => `${field.path} is missing`),
  },
  {
    id: 'known-status',
    description: "the provider's status is in its status table",
    check: (order) =>
      order.status === null
        ? [`status "${order.providerStatus ?? ''}" is not a known ${order.provider} status`]
        : [],
  },
  {
    id: 'items',
    description: 'at least one item; every item and option has a name, a quantity and a price',
    check: (order) => {
      if (order.items.length === 0) return ['items: the order has no items'];
      return order.items.flatMap((item, i) => [
        ...(item.name === null ? [`items[${i}].name is missing`] : []),
        ...(item.quantity === null ? [`items[${i}].quantity is missing`] : []),
        ...(item.unitPrice === null ? [`items[${i}].unitPrice is missing`] : []),
        ...item.options.flatMap((option, j) => [
          ...(option.name === null ? [`items[${i}].options[${j}].name is missing`] : []),
          ...(option.quantity === null ? [`items[${i}].options[${j}].quantity is missing`] : []),
          ...(option.unitPrice === null ? [`items[${i}].options[${j}].unitPrice is missing`] : []),
        ]),
      ]);
    },
  },
  {
    id: 'currency',
    description: "the provider's currency, when stated, is the country's",
    check: (order, country) =>
      order.currency !== null && order.currency.toUpperCase() !== country.currency
        ? [`currency ${order.currency} is not ${country.currency} (${country.name})`]
        : [],
  },
  {
    id: 'phone',
    description: "the customer's phone is a mobile number of the country (normalized to E.164)",
    check: (order, country) => {
      if (order.customer.phone === null) return [];
      const result = normalizePhone(order.customer.phone, country.phone);
      return result.ok ? [] : [`customer.phone ${result.reason}`];
    },
  },
  {
    id: 'coordinates',
    description: 'delivery coordinates, when present, come as a pair inside the country',
    check: (order, country) => {
      const point = order.deliveryAddress?.coordinates;
      if (!point || (point.latitude === null && point.longitude === null)) return [];
      if (point.latitude === null || point.longitude === null)
        return ['deliveryAddress.coordinates: latitude and longitude must come together'];
      const problem = coordinatesProblem(
        point.latitude,
        point.longitude,
        country.bounds,
        country.name,
      );
      return problem === null ? [] : [`deliveryAddress.coordinates ${problem}`];
    },
  },
  {
    id: 'item-totals',
    description: "each item's total = quantity × unit price + options, within the tolerance",
    check: (order, country) =>
      order.items.flatMap((item, i) => {
        if (item.statedTotal === null || item.quantity === null || item.unitPrice === null)
          return [];
        const computed = computedItemTotal(item);
        if (!differs(item.statedTotal, computed, country)) return [];
        const options = item.options.length > 0 ? ` + ${money(optionsTotal(item), country)}` : '';
        return [
          `items[${i}].total ${money(item.statedTotal, country)} ≠ ${item.quantity} × ` +
            `${money(item.unitPrice, country)}${options} = ${money(computed, country)}`,
        ];
      }),
  },
  {
    id: 'subtotal',
    description: 'the subtotal = Σ item totals, within the tolerance',
    check: (order, country) => {
      const stated = order.pricing.subtotal;
      if (stated === null) return [];
      const computed = itemsTotal(order);
      return differs(stated, computed, country)
        ? [
            `pricing.subtotal ${money(stated, country)} ≠ Σ items[].total = ${money(computed, country)}`,
          ]
        : [];
    },
  },
  {
    id: 'total',
    description: 'the total = subtotal + fees + tip + tax − discount, within the tolerance',
    check: (order, country) => {
      const stated = order.pricing.total;
      if (stated === null) return [];
      const computed = computedTotal(order);
      if (!differs(stated, computed, country)) return [];
      const terms = totalParts(order)
        .filter((part, index) => index === 0 || !part.amount.eq(0))
        .map(
          (part, index) =>
            `${index === 0 ? '' : part.sign === 1 ? '+ ' : '− '}${money(part.amount, country)} (${part.label})`,
        )
        .join(' ');
      return [`pricing.total ${money(stated, country)} ≠ ${terms} = ${money(computed, country)}`];
    },
  },
];

/** Every reason the order fails `rules` (all of them by default); empty when it passes. */
export function validateOrder(
  order: DraftOrder,
  country: CountryRules,
  rules: readonly OrderRule[] = orderRules,
): string[] {
  return rules.flatMap((rule) => rule.check(order, country));
}
