import type Big from 'big.js';
import type {
  DeliveryAddress,
  OrderProvider,
  OrderStatus,
  OrderType,
  PaymentType,
} from './normalized-order.ts';

/**
 * What an adapter reads from a provider's payload, before validation: amounts are Bigs, anything
 * the payload lacked or got wrong is null, and the provider's own totals are kept beside the
 * parts so the rules can compare them.
 */

export interface DraftOption {
  externalId: string | null;
  group: string | null;
  name: string | null;
  nameAr: string | null;
  /** Per ONE unit of the item. */
  quantity: number | null;
  unitPrice: Big | null;
}

export interface DraftItem {
  externalId: string | null;
  name: string | null;
  nameAr: string | null;
  quantity: number | null;
  /** One unit without options. */
  unitPrice: Big | null;
  options: DraftOption[];
  /** The provider's line total, when it states one. */
  statedTotal: Big | null;
  notes: string | null;
}

export interface DraftCoordinates {
  latitude: number | null;
  longitude: number | null;
}

export interface DraftOrder {
  provider: OrderProvider;
  externalOrderId: string | null;
  orderNumber: string | null;
  providerOrderNumber: string | null;
  customer: { name: string | null; phone: string | null; email: string | null };
  orderType: OrderType;
  deliveredBy: 'provider' | 'restaurant' | null;
  deliveryAddress:
    (Omit<DeliveryAddress, 'coordinates'> & { coordinates: DraftCoordinates | null }) | null;
  /** null: the provider's word is not in the status table (providerStatus says which). */
  status: OrderStatus | null;
  providerStatus: string | null;
  items: DraftItem[];
  /** The currency the provider states, when it does. */
  currency: string | null;
  pricing: {
    /** null when the provider states none (then Σ item totals is used). */
    subtotal: Big | null;
    deliveryFee: Big;
    serviceFee: Big;
    otherFees: Big;
    tip: Big;
    tax: Big;
    discount: Big;
    total: Big | null;
  };
  payment: { type: PaymentType; providerType: string | null };
  notes: string | null;
  placedAt: string | null;
  expectedAt: string | null;
}
