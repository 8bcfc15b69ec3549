/**
 * The delivery state machine: every state, and which states each operation may move a delivery
 * from. Both engines build their SQL state lists from this one table (see `sqlStates`), so an
 * operation cannot accept a state on one path and refuse it on another.
 */
export type DeliveryState =
  | 'pending'
  /**
   * Ordering: waits for the delivery that holds its ordering key's turn (an earlier one of the
   * same key and destination): held for ordering, never claimed until its turn passes to it.
   */
  | 'queued'
  | 'delivered'
  | 'retry'
  | 'dead'
  | 'held'
  /** The route's transform found the event invalid: kept, never sent, releasable. */
  | 'quarantined'
  /** The route's transform returned null: nothing to send to this destination. */
  | 'skipped'
  /** A dead letter an operator gave up on: kept for `retention.deadLetters`, then deleted. */
  | 'discarded';

export const deliveryStates: readonly DeliveryState[] = [
  'pending',
  'queued',
  'retry',
  'held',
  'quarantined',
  'delivered',
  'skipped',
  'dead',
  'discarded',
];

/** States no operation leaves on its own: the delivery is over. */
export const finalStates: readonly DeliveryState[] = ['delivered', 'skipped', 'discarded'];

/** A delivery in one of these is still owed to its destination: its event is never pruned. */
export const owedStates: readonly DeliveryState[] = ['pending', 'queued', 'retry', 'held'];

export interface Transition {
  /** States the operation applies to; a delivery in any other state is left alone. */
  readonly from: readonly DeliveryState[];
  /** The state it ends in; `attempt` ends in the outcome's state, `prune` deletes the row. */
  readonly to: DeliveryState | 'outcome' | 'deleted';
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
  /**
   * An operator makes a delivery due now with a fresh retry budget (one, or by filter). From
   * `dead` this is also the dead-letter review's `requeued`. An ordered delivery that does not
   * hold its key's turn goes to `queued` instead and waits for it (oldest first): a requeue never
   * jumps its key's order. `queued` is not a from-state: a waiting delivery cannot be pushed
   * ahead of the one before it.
   */
  requeue: {
    from: ['dead', 'retry', 'held', 'pending', 'quarantined'],
    to: 'pending',
    skipsLeased: true,
  },
  /** Its ordering key's turn passed to it (the oldest queued one of the key): due now, as a new
   * delivery is (held while its destination is paused). */
  promote: { from: ['queued'], to: 'pending', skipsLeased: false },
  /** Dead-letter review: an operator marks a dead letter as being looked at (state stays). */
  review: { from: ['dead'], to: 'dead', skipsLeased: true },
  /** Dead-letter review: an operator gives up on a dead letter. */
  discard: { from: ['dead'], to: 'discarded', skipsLeased: true },
  /**
   * Retention: an event is deleted, with its deliveries and their attempts, only when every
   * delivery is in one of these (none owed, no dead letter or quarantine waiting for review).
   */
  prune: { from: ['delivered', 'skipped', 'discarded'], to: 'deleted', skipsLeased: true },
  /**
   * Replay does not move a delivery: it creates a NEW one (its own idempotency key, linked to the
   * original) in `pending`, or `held` while its destination is paused, or, ordered, `queued`
   * behind its key's turn as a new ordered delivery is. The event never changes.
   */
  replay: { from: [], to: 'pending', skipsLeased: false },
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
  return sqlList(transitions[operation].from);
}

/** `'pending', 'retry', …` for an SQL `IN (…)` from one of the lists above. */
export function sqlList(states: readonly DeliveryState[]): string {
  return states.map((s) => `'${s}'`).join(', ');
}

/**
 * What a dead (or quarantined) delivery does to its ordering key: `block` keeps the key's turn
 * (the later ones wait until an operator requeues or discards it), `skip` passes it on.
 */
export type OnDead = 'block' | 'skip';

/**
 * THE rule of ordering keys, for every operation of every engine: a key's turn belongs to one
 * delivery at a time (`key_turn`, unique per destination and key in the schema), and only that
 * one can be pending, retry or held; the others of the key are `queued`. The turn passes to the
 * oldest queued delivery of the key (by `key_seq`, the order they were stored in) when the
 * delivery holding it ends in a state for which this returns true. An operation that removes a
 * delivery holding the turn from the key in any other way (a discard, say) must pass it on the
 * same way, in the same transaction (see `docs/ordering.md`).
 */
export function passesKeyTurn(state: DeliveryState, onDead: OnDead): boolean {
  if (finalStates.includes(state)) return true;
  return onDead === 'skip' && (state === 'dead' || state === 'quarantined');
}
