import type { DraftItem, DraftOption, DraftOrder } from './draft.ts';
import { sum, zero } from './money.ts';
import type { OrderStatus } from './normalized-order.ts';
import { mapPaymentType } from './payment.ts';
import { asArray, asObject, FieldReader, isObject, pick, type Json } from './read.ts';
import type { CountryRules } from './rules/country-rules.ts';
import { mapStatus } from './status.ts';

/**
 * Talabat through the Delivery Hero POS plugin API (reference §2.21): Delivery Hero calls
 * `POST /order/{remoteId}` with an order and `PUT /remoteId/{remoteId}/remoteOrder/
 * {remoteOrderId}/posOrderStatus` with `{status, message?, reason?}`. The order schema is under
 * NDA; the field names read here are those of the public plugin API description.
 *
 * A product's `unitPrice` is one unit without toppings, a topping's `price` is per unit of the
 * product (× its `quantity`), and `paidPrice` is the line: quantity × (unitPrice + toppings).
 */

export type TalabatPath =
  { kind: 'order'; remoteId: string } | { kind: 'status'; remoteId: string; remoteOrderId: string };

function segment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Which plugin endpoint a subpath is (query string ignored), or null for any other. */
export function parseTalabatPath(subpath: string): TalabatPath | null {
  const path = subpath.split('?')[0] ?? '';
  const order = /^\/order\/([^/]+)\/?$/.exec(path);
  if (order) return { kind: 'order', remoteId: segment(order[1] ?? '') };
  const status = /^\/remoteId\/([^/]+)\/remoteOrder\/([^/]+)\/posOrderStatus\/?$/.exec(path);
  if (status)
    return {
      kind: 'status',
      remoteId: segment(status[1] ?? ''),
      remoteOrderId: segment(status[2] ?? ''),
    };
  return null;
}

function readToppings(
  read: FieldReader,
  raw: unknown,
  path: string,
  group: string | null,
): DraftOption[] {
  return asArray(raw).flatMap((t, i) => {
    const o = asObject(t);
    const here = `${path}[${i}]`;
    const name = read.text(o, ['name'], here);
    const option: DraftOption = {
      externalId: read.text(o, ['remoteCode', 'id'], here),
      group: group ?? read.text(o, ['type'], here),
      name,
      nameAr: null,
      quantity: read.quantity(o, ['quantity'], here) ?? 1,
      unitPrice: read.money(o, ['price'], here) ?? zero,
    };
    // Nested toppings (a choice inside a choice) are listed flat, grouped under their parent.
    return [option, ...readToppings(read, o.children, `${here}.children`, name)];
  });
}

function readProduct(read: FieldReader, raw: unknown, path: string): DraftItem {
  const o = asObject(raw);
  const name = read.text(o, ['name'], path);
  const variation = read.text(asObject(o.variation), ['name'], `${path}.variation`);
  return {
    externalId: read.text(o, ['remoteCode', 'id'], path),
    // The variation ("Large") is part of what the kitchen makes.
    name:
      name !== null && variation !== null && variation !== name ? `${name} (${variation})` : name,
    nameAr: null,
    quantity: read.quantity(o, ['quantity'], path),
    unitPrice: read.money(o, ['unitPrice'], path),
    options: readToppings(read, o.selectedToppings, `${path}.selectedToppings`, null),
    statedTotal: read.money(o, ['paidPrice'], path),
    notes: read.text(o, ['comment'], path),
  };
}

function readAddress(read: FieldReader, delivery: Json): DraftOrder['deliveryAddress'] {
  if (!isObject(delivery.address)) return null;
  const a = delivery.address;
  const path = 'delivery.address';
  const street = read.text(a, ['street'], path);
  const number = read.text(a, ['number'], path);
  const latitude = read.number(a, ['latitude'], path);
  const longitude = read.number(a, ['longitude'], path);
  return {
    street: street !== null && number !== null ? `${street} ${number}` : street,
    area: read.text(a, ['deliveryArea', 'deliveryMainArea', 'district'], path),
    building: read.text(a, ['building'], path),
    city: read.text(a, ['city'], path),
    instructions:
      read.text(a, ['deliveryInstructions'], path) ??
      read.text(delivery, ['instructions'], 'delivery'),
    coordinates: latitude === null && longitude === null ? null : { latitude, longitude },
  };
}

/** A Delivery Hero order dispatch (already sanitized) → a draft, and what could not be read. */
export function readTalabatOrder(
  body: Json,
  country: CountryRules,
): { draft: DraftOrder; reasons: string[] } {
  const read = new FieldReader(country.currencyDecimals);
  const customer = asObject(body.customer);
  const delivery = asObject(body.delivery);
  const price = asObject(body.price);
  const fee = (keys: readonly string[]) => read.money(price, keys, 'price');
  const listed = (list: unknown, key: string, path: string) =>
    sum(
      asArray(list).flatMap(
        (entry, i) => read.money(asObject(entry), [key], `${path}[${i}]`) ?? [],
      ),
    );

  const externalOrderId = read.text(body, ['token', 'code'], '');
  const code = read.text(body, ['code'], '');
  const expedition = read.text(body, ['expeditionType'], '')?.toLowerCase() ?? 'delivery';
  if (expedition !== 'delivery' && expedition !== 'pickup')
    read.problem(`expeditionType "${expedition}" is neither delivery nor pickup`);
  const name = [
    read.text(customer, ['firstName'], 'customer'),
    read.text(customer, ['lastName'], 'customer'),
  ]
    .filter((part) => part !== null)
    .join(' ');
  const currency = read.text(asObject(body.localInfo), ['currencySymbol'], 'localInfo');
  const payment = asObject(body.payment);
  const payWord = read.text(payment, ['type'], 'payment');

  const draft: DraftOrder = {
    provider: 'talabat',
    externalOrderId,
    orderNumber: externalOrderId === null ? null : `TALABAT-${code ?? externalOrderId}`,
    providerOrderNumber: read.text(body, ['shortCode'], ''),
    customer: {
      name: name === '' ? read.text(customer, ['name'], 'customer') : name,
      phone: read.text(customer, ['mobilePhone', 'phone'], 'customer'),
      email: read.text(customer, ['email'], 'customer'),
    },
    orderType: expedition === 'pickup' ? 'pickup' : 'delivery',
    // A rider pickup time means a platform rider collects it.
    deliveredBy:
      expedition === 'pickup'
        ? null
        : pick(delivery, ['riderPickupTime']) !== null
          ? 'provider'
          : null,
    deliveryAddress: expedition === 'pickup' ? null : readAddress(read, delivery),
    // A dispatched order is new; later changes arrive as posOrderStatus updates.
    status: 'pending',
    providerStatus: null,
    items: asArray(body.products).map((p, i) => readProduct(read, p, `products[${i}]`)),
    // localInfo.currencySymbol may be a symbol ("JD"); only an ISO code is compared.
    currency: currency !== null && /^[A-Z]{3}$/.test(currency) ? currency : null,
    pricing: {
      subtotal: fee(['subTotal']),
      deliveryFee:
        fee(['deliveryFee']) ?? listed(price.deliveryFees, 'value', 'price.deliveryFees'),
      serviceFee: fee(['serviceFeeTotal']) ?? zero,
      otherFees: fee(['containerCharge']) ?? zero,
      tip: fee(['riderTip']) ?? zero,
      tax: fee(['vatTotal']) ?? zero,
      discount: fee(['discountAmountTotal']) ?? listed(body.discounts, 'amount', 'discounts'),
      total: fee(['grandTotal']),
    },
    payment: { type: mapPaymentType(payWord), providerType: payWord },
    notes: read.text(asObject(body.comments), ['customerComment'], 'comments'),
    placedAt: read.time(body, ['createdAt'], ''),
    expectedAt:
      read.time(delivery, ['expectedDeliveryTime'], 'delivery') ??
      read.time(asObject(body.pickup), ['pickupTime'], 'pickup'),
  };
  return { draft, reasons: read.reasons };
}

export type TalabatStatusRead =
  | { ok: true; status: OrderStatus; providerStatus: string; reason: string | null }
  | { ok: false; reasons: string[] };

/** A `posOrderStatus` body → the internal status and the provider's reason. */
export function readTalabatStatus(body: Json): TalabatStatusRead {
  const read = new FieldReader(0);
  const providerStatus = read.text(body, ['status'], '');
  const reason = read.text(body, ['reason', 'message'], '');
  if (providerStatus === null)
    return { ok: false, reasons: [...read.reasons, 'status is missing'] };
  const status = mapStatus('talabat', providerStatus);
  if (status === undefined)
    return { ok: false, reasons: [`status "${providerStatus}" is not a known talabat status`] };
  return read.reasons.length > 0
    ? { ok: false, reasons: read.reasons }
    : { ok: true, status, providerStatus, reason };
}
