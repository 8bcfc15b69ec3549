import { tenantOf } from '../../domain/tenant.ts';
import type pg from 'pg';
import { sqlCreatedState } from '../../domain/delivery-state.ts';
import type { InsertOutcome, NewEvent } from '../store.ts';
import { wellFormed } from '../text.ts';
import { orderedInsertSql } from './ordering.ts';

type Queryable = pg.Pool | pg.PoolClient;

/**
 * Claims the dedupe keys, inserts the events that won (and those without a key) with their
 * deliveries, and NOTIFYs `channel` when deliveries were queued — in ONE statement, so one round
 * trip and one atomic commit per batch. Data-modifying CTEs see each other only through RETURNING,
 * which is all that is needed here. `$1` holds one event per key (the first of the batch).
 *
 * The events' fields travel as ONE json parameter ($1, rows of JSON.stringify) and the bodies as
 * ONE binary parameter ($3, end to end) cut by offsets and lengths: pg escapes a text[] parameter
 * element by element in JavaScript and would send a bytea[] as hex text, while JSON.stringify is
 * native and a Buffer goes as raw bytes. `headers` is a json field: PostgreSQL keeps its text
 * verbatim, so it is not escaped twice. One fixed text also makes it one prepared statement per
 * connection, parsed and planned once. The stored ids come back only when some event was not
 * stored (the usual batch needs none).
 */
const insertSql = (queued: string) => `
WITH input AS (
  SELECT t.*, substring($3::bytea FROM t.body_at + 1 FOR t.body_len) AS body
  FROM json_to_recordset($1::json) AS t(id text, source text, provider text,
    provider_event_id text, event_type text, request_id text, client_ip text, method text,
    url text, headers json, body_at int, body_len int, received_at bigint, dedupe_key text,
    dedupe_until bigint, trace_context text, tenant text)
),
won AS (
  INSERT INTO event_dedupe (source, dedupe_key, event_id, expires_at)
  SELECT source, dedupe_key, id, dedupe_until FROM input WHERE dedupe_key IS NOT NULL
  ON CONFLICT (source, dedupe_key) DO UPDATE
    SET event_id = EXCLUDED.event_id, expires_at = EXCLUDED.expires_at
    WHERE event_dedupe.expires_at <= $4
  RETURNING event_id
),
stored AS (
  INSERT INTO events (id, source, provider, provider_event_id, event_type, request_id, client_ip,
    method, url, headers, body, received_at, trace_context, tenant)
  SELECT id, source, provider, provider_event_id, event_type, request_id, client_ip, method, url,
    headers::text, body, received_at, trace_context, tenant
  FROM input WHERE dedupe_key IS NULL OR id IN (SELECT event_id FROM won)
  RETURNING id
),
-- For the search indexer (src/store/postgres/event-search.ts): off the request's path but never
-- missed, whatever the order in which instances commit.
searchable AS (
  INSERT INTO search_queue (event_id) SELECT id FROM stored
),
${queued}
SELECT (SELECT CASE WHEN count(*) = $6 THEN NULL ELSE coalesce(array_agg(id), '{}') END
    FROM stored) AS stored,
  (SELECT pg_notify($5, string_agg(DISTINCT destination, ',')) FROM queued HAVING count(*) > 0)
    AS notified`;

const insertNewSql = insertSql(`queued AS (
  INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at, created_at,
    updated_at)
  SELECT v.id, v.event_id, v.route, v.destination,
    ${sqlCreatedState('EXISTS (SELECT 1 FROM destination_state s WHERE s.destination = v.destination AND s.paused)')},
    v.at, v.at, v.at
  FROM json_to_recordset($2::json) AS v(id text, event_id text, route text, destination text,
    at bigint)
  WHERE v.event_id IN (SELECT id FROM stored)
  RETURNING destination
)`);

/**
 * The same with ordered deliveries in the batch (run under their keys' advisory locks, taken by
 * the transaction's previous statement: see ordering.ts). An ordered delivery takes its key's
 * turn (created as any delivery is: pending, or held while its destination is paused) when it is the key's first in the batch and no stored delivery holds the turn,
 * else it is queued; key_seq is drawn in the batch's order, from a subquery that is already
 * sorted, so a key's deliveries of one batch keep the order they came in.
 */
const insertOrderedSql = insertSql(`queued AS (
  INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at, created_at,
    updated_at, ordering_key, key_seq, key_turn)
  SELECT s.id, s.event_id, s.route, s.destination, ${orderedInsertSql.state},
    s.at, s.at, s.at, s.ordering_key, ${orderedInsertSql.keySeq}, ${orderedInsertSql.keyTurn}
  FROM (
    SELECT v.*, ${orderedInsertSql.turn}
    FROM json_to_recordset($2::json) AS v(id text, event_id text, route text, destination text,
      at bigint, ordering_key text, ord int)
    WHERE v.event_id IN (SELECT id FROM stored)
    ORDER BY v.ord
  ) s
  RETURNING destination
)`);

/** The ordering keys of a batch's deliveries (their locks are taken before it is stored). */
export function orderingKeysOf(
  events: readonly NewEvent[],
): { destination: string; key: string }[] {
  const keys: { destination: string; key: string }[] = [];
  for (const e of events)
    for (const d of e.deliveries)
      if (d.orderingKey != null)
        keys.push({ destination: d.destination, key: wellFormed(d.orderingKey) });
  return keys;
}

/**
 * Counts duplicates on their owners (found through the dedupe table, so owners stored by an
 * earlier batch or another instance are found too), one statement: the count per key, and the
 * owner's id and new total back.
 */
const countDuplicatesSql = `
UPDATE events e SET duplicate_count = e.duplicate_count + v.n,
  last_duplicate_at = greatest(coalesce(e.last_duplicate_at, 0), v.at)
FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS v(source, dedupe_key, n, at)
JOIN event_dedupe d USING (source, dedupe_key)
WHERE e.id = d.event_id
RETURNING v.source, v.dedupe_key, e.id, e.duplicate_count`;

/** Consecutive runs of events whose bodies add up to at most `maxBytes` (a bigger one alone). */
export function chunkByBodyBytes(events: readonly NewEvent[], maxBytes: number): NewEvent[][] {
  const chunks: NewEvent[][] = [];
  let current: NewEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    if (current.length > 0 && bytes + e.body.length > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += e.body.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The key as stored: two keys that differ only in lone surrogates are one key. */
const keyOf = (e: NewEvent) => `${e.source}\u0000${wellFormed(e.dedupeKey)}`;

/**
 * Stores a batch in one statement when nothing in it is a duplicate (the usual case), and counts
 * duplicates in a second one. Both are atomic on their own: if the count fails after the insert
 * committed, the batch is answered 503 and the providers' retries are deduplicated — no loss.
 */
export async function insertEventBatch(
  db: Queryable,
  events: readonly NewEvent[],
  channel: string,
): Promise<InsertOutcome[]> {
  if (events.length === 0) return [];
  // Within the batch, the first event with a key speaks for it; later ones are its duplicates.
  const first = new Map<string, NewEvent>();
  const candidates: NewEvent[] = [];
  for (const e of events) {
    if (e.dedupeKey === null) candidates.push(e);
    else if (!first.has(keyOf(e))) {
      first.set(keyOf(e), e);
      candidates.push(e);
    }
  }
  let bodyAt = 0;
  const rows = candidates.map((e) => {
    const row = {
      id: e.id,
      source: e.source,
      provider: e.provider,
      provider_event_id: wellFormed(e.providerEventId),
      event_type: wellFormed(e.eventType),
      request_id: wellFormed(e.requestId),
      client_ip: e.clientIp,
      method: e.method,
      url: wellFormed(e.url),
      headers: e.headers,
      body_at: bodyAt,
      body_len: e.body.length,
      received_at: e.receivedAt,
      dedupe_key: wellFormed(e.dedupeKey),
      dedupe_until: e.dedupeUntil,
      trace_context: e.traceContext ?? null,
      tenant: tenantOf(e.source),
    };
    bodyAt += e.body.length;
    return row;
  });
  let ordered = false;
  const deliveries = candidates.flatMap((e) =>
    e.deliveries.map((d) => {
      const row = {
        id: d.id,
        event_id: e.id,
        route: d.route,
        destination: d.destination,
        at: e.receivedAt,
      };
      if (d.orderingKey == null) return row;
      ordered = true;
      return { ...row, ordering_key: wellFormed(d.orderingKey) };
    }),
  );
  const result = await db.query<{ stored: string[] | null }>({
    name: ordered ? 'hookgate_insert_events_ordered' : 'hookgate_insert_events',
    text: ordered ? insertOrderedSql : insertNewSql,
    values: [
      JSON.stringify(rows),
      JSON.stringify(ordered ? deliveries.map((d, ord) => ({ ...d, ord })) : deliveries),
      Buffer.concat(candidates.map((e) => e.body)),
      Math.min(...candidates.map((e) => e.receivedAt)),
      channel,
      candidates.length,
    ],
  });
  const row = result.rows[0];
  if (row === undefined) throw new Error('the event insert returned no row');
  // Null: every candidate was stored.
  const stored = new Set(row.stored ?? candidates.map((e) => e.id));

  // Duplicates: later events of a key in this batch, and keys another event already holds.
  const dups = events.filter((e) => !stored.has(e.id));
  const perKey = new Map<string, { source: string; key: string; n: number; at: number }>();
  for (const e of dups) {
    const k = perKey.get(keyOf(e)) ?? {
      source: e.source,
      key: wellFormed(e.dedupeKey) as string,
      n: 0,
      at: 0,
    };
    perKey.set(keyOf(e), { ...k, n: k.n + 1, at: Math.max(k.at, e.receivedAt) });
  }
  // Per key: the owner and its count before this batch's duplicates; each gets the count of its turn.
  const owners = new Map<string, { id: string; count: number }>();
  if (perKey.size > 0) {
    const keys = [...perKey.values()];
    const counted = await db.query<{
      source: string;
      dedupe_key: string;
      id: string;
      duplicate_count: number;
    }>(countDuplicatesSql, [
      keys.map((k) => k.source),
      keys.map((k) => k.key),
      keys.map((k) => k.n),
      keys.map((k) => k.at),
    ]);
    for (const r of counted.rows) {
      const key = `${r.source}\u0000${r.dedupe_key}`;
      owners.set(key, { id: r.id, count: r.duplicate_count - (perKey.get(key)?.n ?? 0) });
    }
  }
  return events.map((e): InsertOutcome => {
    if (stored.has(e.id)) return { status: 'stored', eventId: e.id };
    const owner = owners.get(keyOf(e));
    // The key's owner vanished between the two statements (window expired meanwhile): rare; fail
    // the batch so the provider retries, rather than claim an event that is not stored.
    if (owner === undefined) throw new Error(`no owner found for duplicate key of ${e.id}`);
    owner.count += 1;
    return { status: 'duplicate', eventId: owner.id, duplicateCount: owner.count };
  });
}
