/**
 * The storage contract. Every engine (SQLite now, PostgreSQL next) implements it and passes the
 * same contract suite (test/contract). Methods are noun-first and take one params object.
 */

export type DeliveryState = 'pending' | 'delivered' | 'retry' | 'dead' | 'held';

export const deliveryStates: readonly DeliveryState[] = [
  'pending',
  'retry',
  'held',
  'delivered',
  'dead',
];

export interface NewDelivery {
  readonly id: string;
  /** The route's name (or `<source>-><destination>` when the route has none). */
  readonly route: string;
  readonly destination: string;
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
  readonly duplicateCount: number;
  readonly lastDuplicateAt: number | null;
}

export interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly route: string;
  readonly destination: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Applies the numbered migrations not yet applied. Idempotent. */
  migrate(): Promise<void>;
  /**
   * Stores events and their deliveries in ONE transaction (group commit): all or nothing.
   * Deduplicates by (source, dedupeKey) inside the window; a duplicate increments the original
   * event's count and stores nothing. Results are in input order. Resolves only after commit.
   */
  eventInsertBatch(params: { events: readonly NewEvent[] }): Promise<InsertOutcome[]>;
  eventGet(params: { id: string }): Promise<StoredEvent | undefined>;
  /** Newest first; `before` is an event id for paging. */
  eventList(params: { source?: string; limit: number; before?: string }): Promise<StoredEvent[]>;
  eventCount(params: { source?: string }): Promise<number>;
  deliveryListByEvent(params: { eventId: string }): Promise<Delivery[]>;
  deliveryCountByState(): Promise<Record<DeliveryState, number>>;
  /** Throws when the store cannot serve (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
