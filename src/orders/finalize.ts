import type { DraftOrder } from './draft.ts';
import { formatMoney } from './money.ts';
import type { NormalizedOrder } from './normalized-order.ts';
import { computedTotal, itemTotal, optionLineTotal, optionsTotal, subtotal } from './pricing.ts';
import type { CountryRules } from './rules/country-rules.ts';
import { normalizePhone } from './rules/phone.ts';

export interface Branch {
  branchId: string;
  companyId: string;
}

function present<T>(value: T | null, what: string): T {
  // validateOrder has refused every draft where this could happen.
  if (value === null) throw new Error(`finalize: ${what} is missing (order not validated?)`);
  return value;
}

/** A draft that passed validateOrder → the normalized order, amounts as fixed-decimal strings. */
export function finalizeOrder(
  draft: DraftOrder,
  country: CountryRules,
  branch: Branch,
  receivedAt: number,
): NormalizedOrder {
  const money = (value: Parameters<typeof formatMoney>[0]) =>
    formatMoney(value, country.currencyDecimals);
  const phone = normalizePhone(present(draft.customer.phone, 'customer.phone'), country.phone);
  if (!phone.ok) throw new Error(`finalize: ${phone.reason}`);
  const name = present(draft.customer.name, 'customer.name');
  const address = draft.deliveryAddress;
  const point = address?.coordinates;
  const p = draft.pricing;
  return {
    orderNumber: present(draft.orderNumber, 'orderNumber'),
    externalOrderId: present(draft.externalOrderId, 'externalOrderId'),
    providerOrderNumber: draft.providerOrderNumber,
    provider: draft.provider,
    branchId: branch.branchId,
    companyId: branch.companyId,
    customerName: name,
    customerPhone: phone.e164,
    customer: { name, phone: phone.e164, email: draft.customer.email },
    orderType: draft.orderType,
    deliveredBy: draft.deliveredBy,
    deliveryAddress:
      address === null
        ? null
        : {
            ...address,
            coordinates:
              point && point.latitude !== null && point.longitude !== null
                ? { latitude: point.latitude, longitude: point.longitude }
                : null,
          },
    status: present(draft.status, 'status'),
    providerStatus: draft.providerStatus,
    items: draft.items.map((item) => ({
      externalId: item.externalId,
      name: present(item.name, 'item name'),
      nameAr: item.nameAr,
      quantity: present(item.quantity, 'item quantity'),
      unitPrice: money(present(item.unitPrice, 'item unit price')),
      options: item.options.map((option) => ({
        externalId: option.externalId,
        group: option.group,
        name: present(option.name, 'option name'),
        nameAr: option.nameAr,
        quantity: present(option.quantity, 'option quantity'),
        unitPrice: money(present(option.unitPrice, 'option unit price')),
        total: money(optionLineTotal(item, option)),
      })),
      optionsTotal: money(optionsTotal(item)),
      total: money(itemTotal(item)),
      notes: item.notes,
    })),
    pricing: {
      currency: country.currency,
      subtotal: money(subtotal(draft)),
      deliveryFee: money(p.deliveryFee),
      serviceFee: money(p.serviceFee),
      otherFees: money(p.otherFees),
      tip: money(p.tip),
      tax: money(p.tax),
      discount: money(p.discount),
      // The provider's figure (checked within the tolerance); what the customer was charged.
      total: money(p.total ?? computedTotal(draft)),
    },
    payment: draft.payment,
    notes: draft.notes,
    timestamps: {
      placedAt: draft.placedAt,
      expectedAt: draft.expectedAt,
      receivedAt: new Date(receivedAt).toISOString(),
    },
  };
}
