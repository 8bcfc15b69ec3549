/** Row shapes of the schema (same column names on every engine) and their mapping to the Store's types. */
import { tenantOf } from '../domain/tenant.ts';
import type { Attempt, Delivery, DeliveryState, EventSummary, StoredEvent } from './store.ts';

export interface EventRow {
  id: string;
  source: string;
  provider: string;
  provider_event_id: string | null;
  event_type: string | null;
  request_id: string;
  client_ip: string;
  method: string;
  url: string;
  headers: string;
  body: Buffer;
  received_at: number;
  duplicate_count: number;
  last_duplicate_at: number | null;
  trace_context: string | null;
  /** Absent where a query does not select it (claims): then read from the source's name. */
  tenant?: string;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  route: string;
  destination: string;
  state: DeliveryState;
  attempts: number;
  attempt_base: number;
  next_attempt_at: number;
  last_error: string | null;
  error_class: string | null;
  dead_reason: string | null;
  metadata: string | null;
  reasons: string | null;
  created_at: number;
  updated_at: number;
  ordering_key: string | null;
  key_seq: number | null;
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  key_turn: number | boolean;
  origin: 'ingest' | 'replay' | 'listen';
  replay_of: string | null;
  job_id: string | null;
  review_state: Delivery['reviewState'];
  reviewed_by: string | null;
  reviewed_at: number | null;
  review_note: string | null;
}

/** Runs synchronous engine work so that a throw becomes a rejection, as with async engines. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

export function toEvent(r: EventRow): StoredEvent {
  return {
    id: r.id,
    source: r.source,
    provider: r.provider,
    providerEventId: r.provider_event_id,
    eventType: r.event_type,
    requestId: r.request_id,
    clientIp: r.client_ip,
    method: r.method,
    url: r.url,
    headers: JSON.parse(r.headers) as Record<string, string>,
    body: r.body,
    receivedAt: r.received_at,
    duplicateCount: r.duplicate_count,
    lastDuplicateAt: r.last_duplicate_at,
    traceContext: r.trace_context ?? null,
    tenant: r.tenant ?? tenantOf(r.source),
  };
}

/** The event columns a listing reads (all but the body). */
export const summaryColumns = `id, source, provider, provider_event_id, event_type, request_id,
  client_ip, method, url, headers, received_at, duplicate_count, last_duplicate_at, trace_context`;

/** An event row read without its body (`body_bytes`: its size), for listings. */
export function toSummary(r: Omit<EventRow, 'body'> & { body_bytes: number }): EventSummary {
  const event = toEvent({ ...r, body: Buffer.alloc(0) });
  Reflect.deleteProperty(event, 'body');
  return { ...event, bodyBytes: r.body_bytes };
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    eventId: r.event_id,
    route: r.route,
    destination: r.destination,
    state: r.state,
    attempts: r.attempts,
    attemptBase: r.attempt_base,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    errorClass: r.error_class,
    deadReason: r.dead_reason,
    metadata: r.metadata === null ? {} : (JSON.parse(r.metadata) as Record<string, string>),
    reasons: r.reasons === null ? null : (JSON.parse(r.reasons) as string[]),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    orderingKey: r.ordering_key,
    keyTurn: Boolean(r.key_turn),
    origin: r.origin,
    replayOf: r.replay_of,
    jobId: r.job_id,
    reviewState: r.review_state,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
    reviewNote: r.review_note,
  };
}

export interface AttemptRow {
  id: string;
  delivery_id: string;
  number: number;
  worker: string;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
  error_class: string | null;
  outcome: string;
  request_body: string | null;
}

export function toAttempt(r: AttemptRow): Attempt {
  return {
    id: r.id,
    deliveryId: r.delivery_id,
    number: r.number,
    worker: r.worker,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    statusCode: r.status_code,
    responseBody: r.response_body,
    error: r.error,
    errorClass: r.error_class,
    outcome: r.outcome,
    requestBody: r.request_body,
  };
}
