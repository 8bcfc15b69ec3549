import type { OrderProvider, OrderStatus } from './normalized-order.ts';

/**
 * Provider status → the internal status (seed 001's `mapStatus`), as tables so a provider or a
 * status is one line. Keys are compared after `statusKey` (case, spaces and dashes ignored).
 * A status missing here is refused, never guessed: the order is quarantined with the word.
 */
export const providerStatuses: Record<OrderProvider, Readonly<Record<string, OrderStatus>>> = {
  careem: {
    created: 'pending',
    new: 'pending',
    placed: 'pending',
    pending: 'pending',
    accepted: 'confirmed',
    confirmed: 'confirmed',
    preparing: 'preparing',
    in_preparation: 'preparing',
    in_kitchen: 'preparing',
    ready: 'ready',
    ready_for_pickup: 'ready',
    prepared: 'ready',
    picked_up: 'out_for_delivery',
    captain_picked_up: 'out_for_delivery',
    on_the_way: 'out_for_delivery',
    out_for_delivery: 'out_for_delivery',
    delivered: 'delivered',
    completed: 'delivered',
    cancelled: 'cancelled',
    canceled: 'cancelled',
    rejected: 'cancelled',
    failed: 'cancelled',
  },
  // Delivery Hero POS plugin `posOrderStatus` values; a dispatched order itself has none.
  talabat: {
    order_received: 'pending',
    order_accepted: 'confirmed',
    order_preparing: 'preparing',
    order_prepared: 'ready',
    order_picked_up: 'out_for_delivery',
    order_delivered: 'delivered',
    order_cancelled: 'cancelled',
    order_rejected: 'cancelled',
  },
};

export function statusKey(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The internal status for a provider's word, or undefined when the table lacks it. */
export function mapStatus(provider: OrderProvider, raw: string): OrderStatus | undefined {
  return providerStatuses[provider][statusKey(raw)];
}
