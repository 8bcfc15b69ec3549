/**
 * The delivery state machine: every state, and which states each operation may move a delivery
 * from. Both engines build their SQL state lists from this one table (see `sqlStates`), so an
 * operation cannot accept a state on one path and refuse it on another.
 */
export type DeliveryState =
  | 'pending'
  | 'delivered'
  | 'retry'
  | 'dead'
  | 'held'
  /** The route's transform found the event invalid: kept, never sent, releasable. */
  | 'quarantined'
  /** The route's transform returned null: nothing to send to this destination. */
  | 'skipped';

export const deliveryStates: readonly DeliveryState[] = [
  'pending',
  'retry',
  'held',
  'quarantined',
  'delivered',
  'skipped',
  'dead',
];

/** States no operation leaves on its own: the delivery is over. */
export const finalStates: readonly DeliveryState[] = ['delivered', 'skipped'];

export interface Transition {
  /** States the operation applies to; a delivery in any other state is left alone. */
  readonly from: readonly DeliveryState[];
  /** The state it ends in; `attempt` ends in the outcome's state. */
  readonly to: DeliveryState | 'outcome';
  /** Whether a delivery leased to a worker right now is left alone. */
  readonly skipsLeased: boolean;
}

/** Operations on deliveries, by name. */
export const transitions = {
  /** A worker leases due deliveries (the state stays; the lease marks them). */
  claim: { from: ['pending', 'retry'], to: 'outcome', skipsLeased: true },
  /** An attempt (or a transform's verdict) is recorded under the lease. */
  attempt: { from: ['pending', 'retry'], to: 'outcome', skipsLeased: false },
  /** The destination is paused: what waits is held. */
  pause: { from: ['pending', 'retry'], to: 'held', skipsLeased: true },
  /** The destination is resumed: what was held is due now. */
  resume: { from: ['held'], to: 'pending', skipsLeased: false },
  /** An operator makes a delivery due now with a fresh retry budget (one, or by filter). */
  requeue: {
    from: ['dead', 'retry', 'held', 'pending', 'quarantined'],
    to: 'pending',
    skipsLeased: true,
  },
} as const satisfies Record<string, Transition>;

export type DeliveryOperation = keyof typeof transitions;

/**
 * The state a delivery is created in when its event is stored: due at once, or, while its
 * destination is paused, where `pause` puts what waits (resume makes it due with the rest).
 */
export const created = { due: 'pending', paused: transitions.pause.to } as const satisfies Record<
  string,
  DeliveryState
>;

/**
 * The SQL expression for a new delivery's state, given an SQL condition that is true when its
 * destination is paused. Only names from this table reach SQL this way.
 */
export function sqlCreatedState(destinationPaused: string): string {
  return `CASE WHEN ${destinationPaused} THEN '${created.paused}' ELSE '${created.due}' END`;
}

export function canMove(operation: DeliveryOperation, from: DeliveryState): boolean {
  return (transitions[operation].from as readonly DeliveryState[]).includes(from);
}

/**
 * `'dead', 'retry', …` for an SQL `IN (…)`: the operation's from-states. Only names from the
 * table above reach SQL this way, never a value from a request.
 */
export function sqlStates(operation: DeliveryOperation): string {
  return transitions[operation].from.map((s) => `'${s}'`).join(', ');
}
