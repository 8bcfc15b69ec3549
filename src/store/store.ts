/**
 * The storage contract. Every engine (SQLite now, PostgreSQL next) implements it and passes the
 * same contract suite (test/contract). Methods are noun-first and take one params object.
 */

export { deliveryStates, type DeliveryState } from '../domain/delivery-state.ts';
import type { DeliveryState, OnDead } from '../domain/delivery-state.ts';
import type {
  DeadLetter,
  DeadLetterAction,
  DeadLetterFilter,
  DeadLetterStats,
} from './dead-letters.ts';
import type { Job, JobAction, JobAdvance, NewJob } from './jobs.ts';
import type { PruneCount } from './retention.ts';
import type {
  NewEvent,
  InsertOutcome,
  StoredEvent,
  ClaimedDelivery,
  NewAttempt,
  AttemptOutcome,
  Attempt,
  Delivery,
  OrderingKeyView,
  OrderingKeyListParams,
  NewReplay,
  ClaimParams,
  DeliveryFilter,
  DeliveryView,
} from './records.ts';
import type { EventFilter, EventPage, EventSummary, SearchCount, SearchOrder } from './search.ts';

export type * from './dead-letters.ts';
export type * from './jobs.ts';
export type * from './retention.ts';
export type * from './search.ts';
export type * from './records.ts';

export interface AttemptRecordParams {
  readonly deliveryId: string;
  readonly owner: string;
  readonly attempt: NewAttempt;
  readonly outcome: AttemptOutcome;
  /**
   * Set for an ordered delivery (what it was claimed with): when the outcome passes its key's turn
   * (`passesKeyTurn`), the turn goes to the key's oldest queued delivery in the same transaction.
   */
  readonly ordering?: RecordOrdering | undefined;
}

export interface RecordOrdering {
  readonly destination: string;
  readonly key: string;
  /** A dead or quarantined outcome keeps the key's turn (`block`) or passes it on (`skip`). */
  readonly onDead: OnDead;
}

export interface EventStreamParams {
  /** Exclusive lower bound (an event id, or a prefix such as `evt_<12 hex digits of ms>`). */
  readonly after: string;
  /** Exclusive upper bound, the same way. */
  readonly before: string;
  readonly source?: string | undefined;
  readonly limit: number;
}

/**
 * A forward made outside the gateway (`hookgate listen` to a developer's local URL), recorded as
 * a delivery of the event that is already over, with its one attempt.
 */
/** What recording a forward did: its delivery, `conflict` (the attempt id is taken), or none. */
export type ForwardOutcome = Delivery | 'conflict' | undefined;

export interface ForwardRecord {
  readonly deliveryId: string;
  readonly eventId: string;
  readonly route: string;
  readonly destination: string;
  /** Who made it (the listener's name). */
  readonly worker: string;
  /** Its id comes from the reporter: a report sent again records nothing more. */
  readonly attempt: NewAttempt;
  /** `delivered` (the local URL took it) or `skipped` (it did not: never retried by the gateway). */
  readonly state: 'delivered' | 'skipped';
  readonly now: number;
}

export interface PauseParams {
  readonly destination: string;
  readonly paused: boolean;
  readonly reason: string | null;
  readonly now: number;
}

/** Wake-ups for new due work written by any instance (PostgreSQL LISTEN/NOTIFY). */
export interface DueListenParams {
  /** Deliveries may have become due (new events, requeue, resume); also after a reconnect. */
  readonly onDue: () => void;
  /** The wake-up channel was lost (polling still runs) or is back. */
  readonly onConnection?: (connected: boolean, err?: Error) => void;
}

export interface DueListener {
  close(): Promise<void>;
}

/** The states a delivery waits in, as the queue depth counts them. */
export const queueStates = ['pending', 'queued', 'retry', 'held', 'quarantined', 'dead'] as const;
export type QueueState = (typeof queueStates)[number];

/** The queue as a scrape sees it (read at scrape time, cheaply: every count is bounded). */
export interface QueueStats {
  /** Destination → waiting state → deliveries, each counted up to the `limit` asked for. */
  readonly depth: Readonly<Record<string, Readonly<Record<QueueState, number>>>>;
  /** Destination → the earliest `nextAttemptAt` among its pending and retry deliveries. */
  readonly oldestDueAt: Readonly<Record<string, number | null>>;
}

/** The dedupe keys (Hookgate's cache of what it has seen) of one source. */
export interface DedupeSourceStats {
  /** Keys whose window is open: a repeat of one is a duplicate. */
  readonly held: number;
  /** Open keys whose window closes within the `soonMs` asked for. */
  readonly expiringSoon: number;
  /** Keys past their window, kept until a sweep removes them or a new event takes them over. */
  readonly expired: number;
}

/** The store's connections right now (SQLite: the open handles, never waiting). */
export interface ConnectionCounts {
  readonly open: number;
  readonly busy: number;
  readonly waiting: number;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Applies the numbered migrations not yet applied. Idempotent. */
  migrate(): Promise<void>;
  /**
   * Stores the batch's new events and their deliveries in ONE transaction (group commit): all
   * or nothing. Deduplicates by (source, dedupeKey) inside the window; a duplicate increments the
   * original event's count and stores nothing (PostgreSQL counts in a second statement: if that
   * fails the batch rejects and the retries are duplicates). Results in input order, after commit.
   */
  eventInsertBatch(params: { events: readonly NewEvent[] }): Promise<InsertOutcome[]>;
  eventGet(params: { id: string }): Promise<StoredEvent | undefined>;
  /** Newest first (received_at, then arrival); `before` is an event id for paging. */
  eventList(params: { source?: string; limit: number; before?: string }): Promise<StoredEvent[]>;
  eventCount(params: { source?: string }): Promise<number>;
  /**
   * Events whose id sorts strictly between `after` and `before`, in id order (ascending), of one
   * source when given, `limit` at most; bodies are not returned. The live event stream
   * (admin/event-feed.ts) reads the store through this: ids are time-ordered (domain/ids.ts).
   */
  eventStreamList(params: EventStreamParams): Promise<EventSummary[]>;
  /**
   * Events matching every filter given, newest first (received_at, then arrival), `limit` at
   * most; `before` is a page's `next`. Bodies are not returned (`bodyBytes` says their size).
   * `q` matches bodies indexed so far (the search indexer catches up within moments). Each page
   * examines a bounded number of rows: a page may come back short with a `next` to go on.
   * `order: 'asc'`: oldest first instead (bulk replay jobs), `before` then a page's `next` of
   * that order.
   */
  eventSearch(params: {
    filter: EventFilter;
    limit: number;
    before?: string;
    order?: SearchOrder;
  }): Promise<EventPage>;
  /**
   * How many events match: counted exactly up to `cap` at least; past it the engine may count on
   * or estimate (then `exact` is false).
   */
  eventSearchCount(params: { filter: EventFilter; cap: number }): Promise<SearchCount>;
  /** Indexes up to `limit` events waiting for body search; returns how many it took. */
  searchIndexCatchUp(params: { limit: number }): Promise<number>;
  /** Events still waiting to be indexed for body search. */
  searchIndexBacklog(): Promise<number>;
  deliveryListByEvent(params: { eventId: string }): Promise<Delivery[]>;
  /** Deliveries by state: all, or those a bulk replay job made. */
  deliveryCountByState(params?: { jobId?: string }): Promise<Record<DeliveryState, number>>;
  /**
   * New deliveries of stored events (replays): `pending` and due `now`, or `held` while their
   * destination is paused — or, ordered, `queued` behind their key's turn, in the order given;
   * the events are not changed. Returns the deliveries made.
   */
  deliveryReplay(params: { replays: readonly NewReplay[]; now: number }): Promise<Delivery[]>;
  /**
   * Leases up to `limit` due deliveries of one destination (pending or retry, next attempt due,
   * no live lease) to `owner` until `leaseUntil`, oldest due first; none while it is paused.
   * A lease that expired (its worker died) makes the row claimable again.
   */
  deliveryClaimDue(params: ClaimParams): Promise<ClaimedDelivery[]>;
  /**
   * Records an attempt and moves the delivery to its next state in one transaction, only if
   * `owner` still holds the lease. False: the lease was lost and nothing was written.
   */
  attemptRecord(params: AttemptRecordParams): Promise<boolean>;
  /** Several attemptRecord in one transaction (group commit); results in input order. */
  attemptRecordBatch(params: { items: readonly AttemptRecordParams[] }): Promise<boolean[]>;
  attemptListByDelivery(params: { deliveryId: string }): Promise<Attempt[]>;
  /**
   * Records a forward made outside the gateway, in one transaction: a delivery already over and
   * its attempt. A report whose attempt id is known already returns the delivery it made
   * (`conflict` when that id is not this event's forward); none (undefined) when the event does
   * not exist.
   */
  deliveryRecordForward(params: ForwardRecord): Promise<ForwardOutcome>;
  /** Gives back every lease `owner` holds (graceful shutdown). */
  deliveryReleaseLeases(params: { owner: string }): Promise<number>;
  /** Pausing holds the destination's waiting deliveries (state held); resuming makes them due now. */
  destinationSetPaused(params: PauseParams): Promise<void>;
  /** Newest first; `before` is a delivery id for paging. */
  deliveryList(
    params: DeliveryFilter & { limit: number; before?: string | undefined },
  ): Promise<DeliveryView[]>;
  deliveryGet(params: { id: string }): Promise<Delivery | undefined>;
  /**
   * Makes deliveries due now with a fresh retry budget: the one `id`, or all matching the filter
   * (state defaults to dead). Returns how many. Delivered ones and leased ones are left alone.
   */
  deliveryRequeue(
    params: { now: number } & ({ id: string } | { filter: DeliveryFilter }),
  ): Promise<number>;
  destinationPausedList(): Promise<string[]>;
  /** Dead letters (dead, or discarded with `review: 'discarded'`), newest first; `before` a delivery id. */
  deadLetterList(params: {
    filter: DeadLetterFilter;
    limit: number;
    before?: string | undefined;
  }): Promise<DeadLetter[]>;
  /**
   * Dead-letter review on one (`id`) or every match of `filter`: `review` (failed → reviewing),
   * `requeue` (→ pending, fresh budget), `discard` (→ discarded); who, when and why are kept.
   * Ordered ones keep their key's order: a requeued one without its key's turn goes `queued`, a
   * discarded one gives the turn back, and each such key's oldest queued delivery takes the turn
   * if no one holds it, in the same transaction. Leased rows are left alone. Returns how many moved.
   */
  deadLetterAct(params: DeadLetterAction): Promise<number>;
  /** Deletes up to `limit` discarded dead letters (discarded before `discardedBefore`, if given). */
  deadLetterPurge(params: { discardedBefore?: number; limit: number }): Promise<PruneCount>;
  /**
   * Counts for the dead-letter queue: totals by review state, the newest dead letters' errors (to
   * be grouped by pattern), failure rates by destination and source since `since`, and those
   * dead since before `attentionBefore` that nobody reviews.
   */
  deadLetterStats(params: {
    since: number;
    attentionBefore: number;
    sample: number;
    /** Only the tenant's dead letters. */
    tenant?: string | undefined;
  }): Promise<DeadLetterStats>;
  jobCreate(params: { job: NewJob }): Promise<Job>;
  jobGet(params: { id: string }): Promise<Job | undefined>;
  /** Newest first; `before` is a job id. */
  jobList(params: {
    limit: number;
    before?: string | undefined;
    /** Only the jobs this tenant's tokens made. */
    tenant?: string | undefined;
  }): Promise<Job[]>;
  /** Leases the oldest running job of `kind` nobody holds (or whose lease expired) to `owner`. */
  jobClaim(params: {
    kind: string;
    owner: string;
    now: number;
    leaseUntil: number;
  }): Promise<Job | undefined>;
  /**
   * One step of a running job under its lease, in ONE transaction: makes its replays (at most one
   * per job, event and destination, so a step run again after a crash makes nothing twice),
   * moves its cursor and counts, and may finish it. False: the lease was lost or the job is no
   * longer running (paused, cancelled): nothing was written.
   */
  jobAdvance(params: JobAdvance): Promise<boolean>;
  /** pause (running → paused), resume (paused → running), cancel (running|paused → cancelled). */
  jobControl(params: { id: string; action: JobAction; now: number }): Promise<Job | undefined>;
  /** How many of the job's deliveries still wait (pending, retry, held), counted up to `cap`. */
  jobWaiting(params: { id: string; cap: number }): Promise<number>;
  /** Gives back every job lease `owner` holds (graceful shutdown). */
  jobReleaseLeases(params: { owner: string }): Promise<number>;
  /**
   * Retention, one step: deletes up to `limit` events received before `receivedBefore`, oldest
   * first from `after`, that nothing keeps (every delivery over — delivered, skipped or discarded
   * — and the dedupe window closed), with their deliveries, attempts and search entries. Looks at
   * a bounded number of events; `next` (null: none left before the cutoff) is where to go on. An
   * engine may keep its newest event whatever its age (SQLite does: its search index needs it).
   */
  eventPrune(params: {
    receivedBefore: number;
    now: number;
    limit: number;
    after?: string | undefined;
  }): Promise<PruneCount & { next: string | null }>;
  /** Retention, one step: deletes up to `limit` attempts made before `before` of deliveries that are over. */
  attemptPrune(params: {
    before: number;
    limit: number;
    after?: string | undefined;
  }): Promise<{ deleted: number; next: string | null }>;
  dedupeKeySweep(params: { now: number; limit: number }): Promise<number>;
  /**
   * Ordering keys by the delivery holding their turn (with how many wait behind it), by
   * destination and key; `blocked`: only those whose turn holder is not pending.
   */
  orderingKeyList(params: OrderingKeyListParams): Promise<OrderingKeyView[]>;
  /**
   * The safety net of ordering (the dispatcher runs it at start and now and then): a delivery in
   * a final state gives back a turn it still holds, and a key with queued deliveries and no turn
   * holder (one was removed without passing it on) gives its turn to its oldest queued one.
   * Returns how many deliveries it made due.
   */
  orderingRepair(params: { now: number }): Promise<number>;
  /**
   * Calls `onDue` when another writer may have made deliveries due. PostgreSQL: LISTEN/NOTIFY,
   * so a delivery stored by instance A wakes every instance. SQLite serves one process, whose own
   * commits already wake its dispatcher: the listener never fires.
   */
  deliveryDueListen(params: DueListenParams): DueListener;
  /**
   * Queue depth of the named destinations by waiting state (each count stops at `limit`, so a
   * huge backlog costs no more than `limit` index entries) and each one's oldest due delivery.
   */
  deliveryQueueStats(params: {
    destinations: readonly string[];
    limit: number;
  }): Promise<QueueStats>;
  /** Deliveries that went dead (their last update) at or after `since`, counted up to `limit`. */
  deliveryDeadSince(params: { since: number; limit: number }): Promise<number>;
  /** Dedupe keys per source: held, expiring within `soonMs`, expired and not yet swept. */
  dedupeStats(params: { now: number; soonMs: number }): Promise<Record<string, DedupeSourceStats>>;
  /** Connections in use, idle and waited for (for `database_connections_active`). */
  connectionCounts(): ConnectionCounts;
  /** Throws when the store cannot serve (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
