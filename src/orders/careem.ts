import Big from 'big.js';
import type { DraftItem, DraftOption, DraftOrder } from './draft.ts';
import { sum, zero } from './money.ts';
import type { OrderType } from './normalized-order.ts';
import { mapPaymentType } from './payment.ts';
import { asArray, asObject, FieldReader, isObject, join, pick, type Json } from './read.ts';
import type { CountryRules } from './rules/country-rules.ts';
import { mapStatus } from './status.ts';

/**
 * Careem NOW order webhooks → a draft order. Field names: seed 001 §4.1's sample, seed 000's
 * short test payload (`order_id`, `customer.phone`, item `price`, `total_amount`) and the usual
 * alternatives; Careem's schema is not public, so every name read is listed here.
 *
 * Careem's `item_price` is taken as one unit WITH its options: the seed's sample is consistent
 * only that way (2 × 5.500 = 11.000 = total_price = subtotal, with a 0.500 option). The unit
 * price without options is item_price − Σ option price × quantity.
 */

const merchantKeys = ['merchant_id', 'merchantId', 'store_id', 'storeId'] as const;

export type MerchantLookup = { ok: true; merchantId: string } | { ok: false; reason: string };

function header(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === name) return value.trim() === '' ? undefined : value.trim();
  return undefined;
}

/** The merchant: `x-merchant-id` header, else the payload; both present must agree. */
export function careemMerchantId(body: Json, headers: Record<string, string>): MerchantLookup {
  const fromHeader = header(headers, 'x-merchant-id');
  const inBody = pick(body, merchantKeys) ?? pick(asObject(body.merchant), ['id']);
  const fromBody =
    inBody && (typeof inBody.value === 'string' || typeof inBody.value === 'number')
      ? String(inBody.value).trim()
      : undefined;
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody)
    return {
      ok: false,
      reason: `x-merchant-id header "${fromHeader}" ≠ payload ${inBody?.key ?? 'merchant'} "${fromBody}"`,
    };
  const merchantId = fromHeader ?? fromBody;
  return merchantId === undefined || merchantId === ''
    ? { ok: false, reason: 'merchant id missing: no x-merchant-id header and none in the payload' }
    : { ok: true, merchantId };
}

/** `delivery_type` words: who delivers, or a pickup. */
const deliveryTypes: Readonly<
  Record<string, { orderType: OrderType; deliveredBy: 'provider' | 'restaurant' | null }>
> = {
  careem: { orderType: 'delivery', deliveredBy: 'provider' },
  delivery: { orderType: 'delivery', deliveredBy: null },
  merchant: { orderType: 'delivery', deliveredBy: 'restaurant' },
  self: { orderType: 'delivery', deliveredBy: 'restaurant' },
  self_delivery: { orderType: 'delivery', deliveredBy: 'restaurant' },
  restaurant: { orderType: 'delivery', deliveredBy: 'restaurant' },
  pickup: { orderType: 'pickup', deliveredBy: null },
  takeaway: { orderType: 'pickup', deliveredBy: null },
  self_pickup: { orderType: 'pickup', deliveredBy: null },
};

/** `CR123456789` → `CAREEM-123456789` (seed 001 §8.2); other ids keep their text. */
export function careemOrderNumber(id: string): string {
  return `CAREEM-${id.replace(/^CR(?=\d)/i, '')}`;
}

function readOption(
  read: FieldReader,
  raw: unknown,
  path: string,
  group: string | null,
): DraftOption {
  const o = asObject(raw);
  return {
    externalId: read.text(o, ['id', 'option_id'], path),
    group,
    name: read.text(o, ['name', 'name_en'], path),
    nameAr: read.text(o, ['name_ar', 'nameAr'], path),
    // An option listed without a quantity was chosen once.
    quantity: read.quantity(o, ['quantity', 'qty'], path) ?? 1,
    unitPrice: read.money(o, ['price', 'unit_price', 'item_price'], path),
  };
}

function readItem(read: FieldReader, raw: unknown, path: string): DraftItem {
  const o = asObject(raw);
  const options: DraftOption[] = [];
  asArray(o.groups ?? o.modifier_groups).forEach((g, gi) => {
    const groupPath = `${join(path, 'groups')}[${gi}]`;
    const group = read.text(asObject(g), ['name', 'name_en'], groupPath);
    asArray(asObject(g).options ?? asObject(g).modifiers).forEach((opt, oi) =>
      options.push(readOption(read, opt, `${groupPath}.options[${oi}]`, group)),
    );
  });
  asArray(o.options ?? o.modifiers).forEach((opt, oi) =>
    options.push(readOption(read, opt, `${join(path, 'options')}[${oi}]`, null)),
  );
  const priceKeys = ['item_price', 'price', 'unit_price'];
  const priceWithOptions = read.money(o, priceKeys, path);
  const perUnitOptions = sum(
    options.map((opt) => new Big(opt.unitPrice ?? zero).times(opt.quantity ?? 0)),
  );
  let unitPrice: Big | null = null;
  if (priceWithOptions !== null) {
    if (priceWithOptions.lt(perUnitOptions))
      read.problem(
        `${join(path, pick(o, priceKeys)?.key ?? 'item_price')} ${priceWithOptions.toString()} ` +
          `is less than its options ${perUnitOptions.toString()} ` +
          '(Careem prices include the options)',
      );
    else unitPrice = priceWithOptions.minus(perUnitOptions);
  }
  return {
    externalId: read.text(o, ['id', 'item_id'], path),
    name: read.text(o, ['name', 'name_en'], path),
    nameAr: read.text(o, ['name_ar', 'nameAr'], path),
    quantity: read.quantity(o, ['quantity', 'qty'], path),
    unitPrice,
    options,
    statedTotal: read.money(o, ['total_price', 'total', 'line_total'], path),
    notes: read.text(o, ['notes', 'special_instructions', 'comment'], path),
  };
}

function readAddress(read: FieldReader, body: Json, customer: Json): DraftOrder['deliveryAddress'] {
  const found = isObject(customer.address)
    ? { raw: customer.address, path: 'customer.address' }
    : isObject(body.delivery_address)
      ? { raw: body.delivery_address, path: 'delivery_address' }
      : isObject(body.address)
        ? { raw: body.address, path: 'address' }
        : null;
  if (found === null) return null;
  const a = found.raw;
  const latitude = read.number(a, ['latitude', 'lat'], found.path);
  const longitude = read.number(a, ['longitude', 'lng', 'lon'], found.path);
  return {
    street: read.text(a, ['street', 'street_name', 'address_line', 'line1'], found.path),
    area: read.text(a, ['area', 'district', 'neighborhood'], found.path),
    building: read.text(a, ['building', 'building_number', 'building_name'], found.path),
    city: read.text(a, ['city'], found.path),
    instructions: read.text(a, ['instructions', 'delivery_instructions', 'notes'], found.path),
    coordinates: latitude === null && longitude === null ? null : { latitude, longitude },
  };
}

/** A Careem order payload (already sanitized) → a draft, and what could not be read. */
export function readCareemOrder(
  body: Json,
  country: CountryRules,
): { draft: DraftOrder; reasons: string[] } {
  const read = new FieldReader(country.currencyDecimals);
  const customer = asObject(body.customer);
  const price = asObject(body.price ?? body.pricing);
  // Amounts may sit in `price` (seed 001) or at the top level (seed 000's `total_amount`).
  const amount = (keys: readonly string[]) =>
    pick(price, keys) !== null ? read.money(price, keys, 'price') : read.money(body, keys, '');

  const externalOrderId = read.text(body, ['id', 'order_id', 'orderId'], '');
  const providerStatus = read.text(body, ['status', 'order_status'], '');
  const deliveryWord = read.text(body, ['delivery_type', 'order_type', 'fulfillment_type'], '');
  const delivery =
    deliveryWord === null
      ? { orderType: 'delivery' as const, deliveredBy: null }
      : deliveryTypes[deliveryWord.toLowerCase().replace(/[\s-]+/g, '_')];
  if (delivery === undefined)
    read.problem(`delivery_type "${deliveryWord ?? ''}" is not a known Careem delivery type`);
  const payWord = read.text(body, ['merchant_pay_type', 'payment_type', 'payment_method'], '');
  const firstLast = [
    read.text(customer, ['first_name'], 'customer'),
    read.text(customer, ['last_name'], 'customer'),
  ]
    .filter((part) => part !== null)
    .join(' ');

  const draft: DraftOrder = {
    provider: 'careem',
    externalOrderId,
    orderNumber: externalOrderId === null ? null : careemOrderNumber(externalOrderId),
    providerOrderNumber: read.text(body, ['order_number', 'orderNumber', 'order_reference'], ''),
    customer: {
      name: read.text(customer, ['name', 'full_name'], 'customer') ?? (firstLast || null),
      phone: read.text(customer, ['phone_number', 'phone', 'mobile'], 'customer'),
      email: read.text(customer, ['email'], 'customer'),
    },
    orderType: delivery?.orderType ?? 'delivery',
    deliveredBy: delivery?.deliveredBy ?? null,
    deliveryAddress: delivery?.orderType === 'pickup' ? null : readAddress(read, body, customer),
    // A new-order webhook without a status is a new order.
    status: providerStatus === null ? 'pending' : (mapStatus('careem', providerStatus) ?? null),
    providerStatus,
    items: asArray(body.items ?? body.order_items).map((item, i) =>
      readItem(read, item, `items[${i}]`),
    ),
    currency:
      read.text(price, ['currency', 'currency_code'], 'price') ??
      read.text(body, ['currency', 'currency_code'], ''),
    pricing: {
      subtotal: amount(['subtotal', 'sub_total']),
      deliveryFee: amount(['delivery_fee', 'delivery_charge']) ?? zero,
      serviceFee: amount(['service_fee', 'service_charge']) ?? zero,
      otherFees: amount(['packaging_fee', 'small_order_fee']) ?? zero,
      tip: amount(['tip', 'captain_tip']) ?? zero,
      tax: amount(['tax_amount', 'tax', 'vat']) ?? zero,
      discount: amount(['discount', 'discount_amount', 'total_discount']) ?? zero,
      total: amount(['total_taxable_price', 'total', 'total_price', 'grand_total', 'total_amount']),
    },
    payment: { type: mapPaymentType(payWord), providerType: payWord },
    notes: read.text(body, ['notes', 'special_instructions', 'comment'], ''),
    placedAt: read.time(body, ['created_at', 'createdAt', 'placed_at'], ''),
    expectedAt: read.time(body, ['expected_delivery_time', 'estimated_delivery_time'], ''),
  };
  return { draft, reasons: read.reasons };
}
