import Big from 'big.js';
import type { DraftItem, DraftOption, DraftOrder } from './draft.ts';
import { sum, zero } from './money.ts';

/** The arithmetic the rules check and the normalized order carries, in one place. */

/** An option's amount for the whole line: item quantity × option quantity × unit price. */
export function optionLineTotal(item: DraftItem, option: DraftOption): Big {
  return new Big(option.unitPrice ?? zero).times(option.quantity ?? 0).times(item.quantity ?? 0);
}

export function optionsTotal(item: DraftItem): Big {
  return sum(item.options.map((option) => optionLineTotal(item, option)));
}

/** quantity × unitPrice + options. */
export function computedItemTotal(item: DraftItem): Big {
  return new Big(item.unitPrice ?? zero).times(item.quantity ?? 0).plus(optionsTotal(item));
}

/** The provider's line total when stated (already checked to match), else the computed one. */
export function itemTotal(item: DraftItem): Big {
  return item.statedTotal ?? computedItemTotal(item);
}

export function itemsTotal(order: DraftOrder): Big {
  return sum(order.items.map(itemTotal));
}

export function subtotal(order: DraftOrder): Big {
  return order.pricing.subtotal ?? itemsTotal(order);
}

/** The labelled parts of the grand total; `sign` −1 for what is taken off. */
export function totalParts(order: DraftOrder): { label: string; amount: Big; sign: 1 | -1 }[] {
  const p = order.pricing;
  return [
    { label: 'subtotal', amount: subtotal(order), sign: 1 },
    { label: 'delivery', amount: p.deliveryFee, sign: 1 },
    { label: 'service', amount: p.serviceFee, sign: 1 },
    { label: 'other fees', amount: p.otherFees, sign: 1 },
    { label: 'tip', amount: p.tip, sign: 1 },
    { label: 'tax', amount: p.tax, sign: 1 },
    { label: 'discount', amount: p.discount, sign: -1 },
  ];
}

/** subtotal + fees + tip + tax − discount. */
export function computedTotal(order: DraftOrder): Big {
  return totalParts(order).reduce(
    (total, part) => (part.sign === 1 ? total.plus(part.amount) : total.minus(part.amount)),
    zero,
  );
}
