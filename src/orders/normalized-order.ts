/**
 * The order the main backend receives at `POST /api/integration/orders` (seed 001 §8.2), the
 * same shape for every provider. Money is a decimal string with exactly the country currency's
 * decimals (JOD: 3), never a float; absent optional data is `null`, never missing.
 */

export type OrderProvider = 'careem' | 'talabat';

/** The one internal order status; provider statuses are mapped onto it (status.ts). */
export const orderStatuses = [
  'pending',
  'confirmed',
  'preparing',
  'ready',
  'out_for_delivery',
  'delivered',
  'cancelled',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export type OrderType = 'delivery' | 'pickup';
export type PaymentType = 'cash' | 'card' | 'online' | 'unknown';

export interface NormalizedOption {
  externalId: string | null;
  /** The modifier group it was chosen in ("Add-ons"), when the provider says. */
  group: string | null;
  name: string;
  nameAr: string | null;
  /** How many per ONE unit of the item. */
  quantity: number;
  unitPrice: string;
  /** For the whole line: item quantity × option quantity × option unit price. */
  total: string;
}

export interface NormalizedItem {
  externalId: string | null;
  name: string;
  nameAr: string | null;
  quantity: number;
  /** One unit WITHOUT its options. */
  unitPrice: string;
  options: NormalizedOption[];
  /** Σ options[].total. */
  optionsTotal: string;
  /** quantity × unitPrice + optionsTotal (checked against the provider's line total). */
  total: string;
  notes: string | null;
}

export interface Coordinates {
  latitude: number;
  longitude: number;
}

export interface DeliveryAddress {
  street: string | null;
  area: string | null;
  building: string | null;
  city: string | null;
  instructions: string | null;
  coordinates: Coordinates | null;
}

export interface Pricing {
  currency: string;
  subtotal: string;
  deliveryFee: string;
  serviceFee: string;
  /** Container/packaging and other charges the provider lists separately. */
  otherFees: string;
  tip: string;
  tax: string;
  discount: string;
  /** subtotal + deliveryFee + serviceFee + otherFees + tip + tax − discount. */
  total: string;
}

export interface NormalizedOrder {
  /** `CAREEM-123456789`, `TALABAT-<code>`. */
  orderNumber: string;
  /** The provider's id of the order (Careem `id`, Talabat `token`). */
  externalOrderId: string;
  /** The provider's human-facing number (Careem `order_number`, Talabat `shortCode`). */
  providerOrderNumber: string | null;
  provider: OrderProvider;
  branchId: string;
  companyId: string;
  /** §8.2 names these two flat; they mirror `customer`. */
  customerName: string;
  customerPhone: string;
  customer: { name: string; phone: string; email: string | null };
  orderType: OrderType;
  /** Who drives: the provider's rider, or the restaurant's own; null when unknown. */
  deliveredBy: 'provider' | 'restaurant' | null;
  deliveryAddress: DeliveryAddress | null;
  status: OrderStatus;
  /** The provider's own status word, kept for the record. */
  providerStatus: string | null;
  items: NormalizedItem[];
  pricing: Pricing;
  payment: { type: PaymentType; providerType: string | null };
  notes: string | null;
  timestamps: {
    /** When the customer placed it (provider's clock), ISO 8601. */
    placedAt: string | null;
    /** When the provider expects it delivered / picked up. */
    expectedAt: string | null;
    /** When Hookgate received the webhook. */
    receivedAt: string;
  };
}

/** A provider telling us an existing order changed status (Talabat `posOrderStatus`). */
export interface OrderStatusChange {
  provider: OrderProvider;
  /**
   * Talabat: the `remoteOrderId` of the update's path, i.e. the id Hookgate answered the dispatch
   * with (the order envelope's `metadata.eventId`), not the order's own `externalOrderId`.
   */
  externalOrderId: string;
  branchId: string;
  companyId: string;
  status: OrderStatus;
  providerStatus: string;
  /** The provider's reason or message, when it gives one. */
  reason: string | null;
  /** When Hookgate received the update (Delivery Hero's body carries no time). */
  receivedAt: string;
}

export interface EnvelopeMetadata {
  provider: OrderProvider;
  /** ISO 8601 of the `now` the caller passed. */
  transformedAt: string;
  version: string;
  /** The Hookgate event this came from (the backend's idempotency key). */
  eventId: string;
  /** Paths of the strings the sanitizer changed (`customer.name`), for the record. */
  sanitizedFields: string[];
}

export interface OrderEnvelope<T = NormalizedOrder> {
  /** The provider's body as parsed, after sanitization. */
  originalWebhook: unknown;
  transformedOrder: T;
  metadata: EnvelopeMetadata;
}

export type StatusEnvelope = OrderEnvelope<OrderStatusChange>;
