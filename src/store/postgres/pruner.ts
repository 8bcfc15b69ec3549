import type pg from 'pg';
import { finalStates, sqlList } from '../../domain/delivery-state.ts';
import { idFloor } from '../retention-ids.ts';
import type { PruneCount } from '../retention.ts';
import { decodeCursor, encodeCursor } from '../search.ts';

/** Events looked at per prune step at most (kept ones included), so a step stays short. */
const scanFactor = 4;
const idPattern = /^[\x21-\x7e]{1,200}$/;

/** Why an event is kept: a delivery not over, or its dedupe window still open (`$1` now). */
const keptSql = `(EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id
    AND d.state NOT IN (${sqlList(finalStates)}))
  OR EXISTS (SELECT 1 FROM event_dedupe k WHERE k.event_id = e.id AND k.expires_at > $1))`;

/**
 * Retention on PostgreSQL, one small transaction per step. The events to delete are locked
 * (SKIP LOCKED: instances pruning at once take different ones) and checked again once locked:
 * a replay made meanwhile holds a key-share lock on its event, so it either committed before
 * (and keeps the event) or waits and then finds the event gone.
 */
export async function pruneEvents(
  client: pg.PoolClient,
  p: { receivedBefore: number; now: number; limit: number; after: string | undefined },
): Promise<PruneCount & { next: string | null }> {
  const cursor = p.after === undefined ? undefined : decodeCursor(p.after, idPattern);
  const args: unknown[] = [p.now, p.receivedBefore, p.limit * scanFactor];
  if (cursor) args.push(cursor.receivedAt, cursor.tiebreak);
  const { rows: scanned } = await client.query<{ id: string; received_at: number; keep: boolean }>(
    `SELECT e.id, e.received_at, ${keptSql} AS keep FROM events e
     WHERE e.received_at < $2 ${cursor ? 'AND (e.received_at, e.id) > ($4, $5)' : ''}
     ORDER BY e.received_at, e.id LIMIT $3`,
    args,
  );
  const candidates = scanned.filter((r) => !r.keep).slice(0, p.limit);
  const full = scanned.length === p.limit * scanFactor || candidates.length === p.limit;
  const last = candidates.length === p.limit ? candidates.at(-1) : scanned.at(-1);
  const next =
    full && last ? encodeCursor({ receivedAt: last.received_at, tiebreak: last.id }) : null;
  const { rows: locked } = await client.query<{ id: string }>(
    `SELECT e.id FROM events e WHERE e.id = ANY($2::text[]) AND NOT ${keptSql}
     FOR UPDATE SKIP LOCKED`,
    [p.now, candidates.map((r) => r.id)],
  );
  const ids = locked.map((r) => r.id);
  if (ids.length === 0) return { events: 0, deliveries: 0, attempts: 0, next };
  const attempts = await client.query(
    `DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries
       WHERE event_id = ANY($1::text[]))`,
    [ids],
  );
  const deliveries = await client.query('DELETE FROM deliveries WHERE event_id = ANY($1::text[])', [
    ids,
  ]);
  await client.query('DELETE FROM event_dedupe WHERE event_id = ANY($1::text[])', [ids]);
  await client.query('DELETE FROM search_queue WHERE event_id = ANY($1::text[])', [ids]);
  await client.query('DELETE FROM event_search WHERE event_id = ANY($1::text[])', [ids]);
  const events = await client.query('DELETE FROM events WHERE id = ANY($1::text[])', [ids]);
  return {
    events: events.rowCount ?? 0,
    deliveries: deliveries.rowCount ?? 0,
    attempts: attempts.rowCount ?? 0,
    next,
  };
}

/** Deletes attempts made before `before` of deliveries that are over, oldest first. */
export async function pruneAttempts(
  client: pg.PoolClient,
  p: { before: number; limit: number; after: string | undefined },
): Promise<{ deleted: number; next: string | null }> {
  const args: unknown[] = [idFloor('att', p.before), p.limit * scanFactor];
  if (p.after !== undefined) args.push(p.after);
  const { rows: scanned } = await client.query<{ id: string; over: boolean }>(
    `SELECT a.id, d.state IN (${sqlList(finalStates)}) AS over
     FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
     WHERE a.id < $1 ${p.after === undefined ? '' : 'AND a.id > $3'}
     ORDER BY a.id LIMIT $2`,
    args,
  );
  const gone = scanned.filter((r) => r.over).slice(0, p.limit);
  const deleted = await client.query('DELETE FROM attempts WHERE id = ANY($1::text[])', [
    gone.map((r) => r.id),
  ]);
  const full = scanned.length === p.limit * scanFactor || gone.length === p.limit;
  const last = gone.length === p.limit ? gone.at(-1) : scanned.at(-1);
  return { deleted: deleted.rowCount ?? 0, next: full && last ? last.id : null };
}

/** Deletes dedupe keys whose window closed, in expiry order; a key taken over meanwhile stays. */
export async function sweepDedupeKeys(db: pg.Pool, now: number, limit: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM event_dedupe k USING (
       SELECT source, dedupe_key FROM event_dedupe WHERE expires_at <= $1
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) x
     WHERE k.source = x.source AND k.dedupe_key = x.dedupe_key AND k.expires_at <= $1`,
    [now, limit],
  );
  return r.rowCount ?? 0;
}
