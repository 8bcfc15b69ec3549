/**
 * The records the Store takes and gives (events, deliveries, attempts, replays), apart from the
 * Store interface so the operation families (dead-letters.ts, jobs.ts, search.ts) can name them
 * without importing store.ts back.
 */
import type { DeliveryState } from '../domain/delivery-state.ts';
import type { DeadReason, ErrorClass } from '../domain/outcome.ts';

export interface NewDelivery {
  readonly id: string;
  /** The route's name (or `<source>-><destination>` when the route has none). */
  readonly route: string;
  readonly destination: string;
  /**
   * Its ordering key (domain/ordering-key.ts), or null/absent: not ordered. An ordered delivery
   * is stored pending when its key is idle, else queued behind the key's earlier ones.
   */
  readonly orderingKey?: string | null;
}

/** What is kept of a received webhook. */
export interface EventRecord {
  readonly id: string;
  readonly source: string;
  readonly provider: string;
  readonly providerEventId: string | null;
  readonly eventType: string | null;
  readonly requestId: string;
  readonly clientIp: string;
  readonly method: string;
  readonly url: string;
  /** Already redacted: no authorization, cookie or signature values. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes exactly as received. */
  readonly body: Buffer;
  readonly receivedAt: number;
  /**
   * The ingest span's W3C `traceparent` (tracing on), so an attempt made later, on any instance,
   * continues the event's trace. Absent or null: no trace.
   */
  readonly traceContext?: string | null;
}

export interface NewEvent extends EventRecord {
  /** Null: this event is never deduplicated. */
  readonly dedupeKey: string | null;
  /** Until when (ms) a later event with the same key counts as a duplicate of this one. */
  readonly dedupeUntil: number;
  readonly deliveries: readonly NewDelivery[];
}

export type InsertOutcome =
  | { readonly status: 'stored'; readonly eventId: string }
  | { readonly status: 'duplicate'; readonly eventId: string; readonly duplicateCount: number };

export interface StoredEvent extends EventRecord {
  /** Its source's tenant (src/domain/tenant.ts). */
  readonly tenant: string;
  readonly duplicateCount: number;
  readonly lastDuplicateAt: number | null;
}

/** A claimed delivery with what is needed to send it. */
export interface ClaimedDelivery {
  readonly delivery: Delivery;
  readonly event: StoredEvent;
}

export interface NewAttempt {
  readonly id: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  /** The first KiB of the response body, for operators. */
  readonly responseBody: string | null;
  readonly error: string | null;
  readonly errorClass: ErrorClass | null;
  /** What the route's transform produced and was sent (null: the event's body as received). */
  readonly requestBody: string | null;
}

/** The delivery's state after an attempt, decided by delivery/outcome.ts. */
export interface AttemptOutcome {
  readonly state: 'delivered' | 'retry' | 'dead' | 'quarantined' | 'skipped';
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly errorClass: ErrorClass | null;
  readonly deadReason: DeadReason | null;
  /**
   * Fields captured from the destination's answer (route or transform `capture`), merged into
   * what the delivery already holds; null: nothing captured.
   */
  readonly metadata: Readonly<Record<string, string>> | null;
  /** Why it is quarantined. */
  readonly reasons: readonly string[] | null;
}

export interface Attempt extends Omit<NewAttempt, 'errorClass'> {
  /** As stored (rows written before a class was renamed keep their text). */
  readonly errorClass: string | null;
  readonly deliveryId: string;
  readonly number: number;
  readonly worker: string;
  readonly outcome: string;
}

export interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly route: string;
  readonly destination: string;
  readonly state: DeliveryState;
  /** Attempts made in all. */
  readonly attempts: number;
  /** Attempts made before the last requeue; the retry budget counts from here. */
  readonly attemptBase: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly errorClass: string | null;
  readonly deadReason: string | null;
  /** Fields captured from the destination's answers (e.g. the backend's `internalOrderId`). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly reasons: readonly string[] | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Its ordering key, or null: not ordered. */
  readonly orderingKey: string | null;
  /** Whether it holds its ordering key's turn (domain/delivery-state.ts `passesKeyTurn`). */
  readonly keyTurn: boolean;
  /**
   * `replay`: made by an operator's replay of the event, not when it arrived; `listen`: the
   * report of a forward `hookgate listen` made (admin/forwards.ts), never attempted by the gateway.
   */
  readonly origin: 'ingest' | 'replay' | 'listen';
  /** The delivery this one replays (the event's earlier delivery to the same destination). */
  readonly replayOf: string | null;
  /** The bulk replay job that made it. */
  readonly jobId: string | null;
  /** Dead-letter review: the last action on it (`reviewing`, `requeued`, `discarded`), by whom, when, why. */
  readonly reviewState: 'reviewing' | 'requeued' | 'discarded' | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: number | null;
  readonly reviewNote: string | null;
}

/** One ordering key of a destination: who holds its turn, and how many wait behind it. */
export interface OrderingKeyView {
  readonly destination: string;
  readonly key: string;
  /** The delivery holding the key's turn; null when none does (nothing waits then, or a repair is due). */
  readonly turn: Delivery | null;
  /** Deliveries of the key waiting for their turn (state queued). */
  readonly queued: number;
}

export interface OrderingKeyListParams {
  readonly destination?: string | undefined;
  readonly key?: string | undefined;
  /** Only keys whose turn is held by a delivery that is not pending (retry, held, dead, quarantined). */
  readonly blocked?: boolean | undefined;
  /** Keys of the tenant's deliveries only; set from the admin token, never a query. */
  readonly tenant?: string | undefined;
  readonly limit: number;
}

/** A replay of a stored event to one destination: a new delivery (see domain/idempotency.ts). */
export interface NewReplay {
  readonly id: string;
  readonly eventId: string;
  readonly route: string;
  readonly destination: string;
  /** The event's earlier delivery to this destination, if it had one. */
  readonly replayOf: string | null;
  /**
   * Its ordering key (the route's `ordering` read from the stored event), or null/absent: not
   * ordered. An ordered replay is stored as a new ordered delivery is: it takes its key's turn when
   * the key is idle, else it waits queued behind the key's deliveries stored before it.
   */
  readonly orderingKey?: string | null;
}

export interface ClaimParams {
  readonly owner: string;
  readonly destination: string;
  readonly now: number;
  readonly leaseUntil: number;
  readonly limit: number;
}

export interface DeliveryFilter {
  /** Deliveries of the tenant's events only; set from the admin token, never a query. */
  readonly tenant?: string | undefined;
  readonly state?: DeliveryState | undefined;
  readonly source?: string | undefined;
  readonly destination?: string | undefined;
  /** Created at or after (ms). */
  readonly since?: number | undefined;
  /** Created before (ms). */
  readonly until?: number | undefined;
}

/** A delivery with its event's source, for listings. */
export interface DeliveryView extends Delivery {
  readonly source: string;
  readonly eventType: string | null;
}
