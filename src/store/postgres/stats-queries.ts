import type pg from 'pg';
import { sqlStates } from '../../domain/delivery-state.ts';
import { queueStates, type DedupeSourceStats, type QueueState, type QueueStats } from '../store.ts';

/**
 * Each (destination, state) pair counted up to $2 through deliveries_state (state, destination),
 * and each destination's oldest due through deliveries_due_by_destination: one statement, every
 * part an index range that stops early.
 */
const queueStatsSql = `
SELECT d.name AS destination, s.state,
  (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE state = s.state AND destination = d.name
     LIMIT $2) x)::int AS n,
  (SELECT min(next_attempt_at) FROM deliveries
     WHERE destination = d.name AND state IN (${sqlStates('claim')})) AS oldest
FROM unnest($1::text[]) AS d(name) CROSS JOIN unnest($3::text[]) AS s(state)`;

export async function queueStats(
  db: pg.Pool,
  destinations: readonly string[],
  limit: number,
): Promise<QueueStats> {
  const depth: Record<string, Record<QueueState, number>> = {};
  const oldestDueAt: Record<string, number | null> = {};
  for (const name of destinations) {
    depth[name] = Object.fromEntries(queueStates.map((s) => [s, 0])) as Record<QueueState, number>;
    oldestDueAt[name] = null;
  }
  if (destinations.length === 0) return { depth, oldestDueAt };
  const { rows } = await db.query<{
    destination: string;
    state: QueueState;
    n: number;
    oldest: number | null;
  }>({
    name: 'hookgate_queue_stats',
    text: queueStatsSql,
    values: [[...destinations], limit, [...queueStates]],
  });
  for (const r of rows) {
    (depth[r.destination] as Record<QueueState, number>)[r.state] = r.n;
    oldestDueAt[r.destination] = r.oldest;
  }
  return { depth, oldestDueAt };
}

export async function deadSince(db: pg.Pool, since: number, limit: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM deliveries WHERE state = 'dead' AND updated_at >= $1 LIMIT $2) x`,
    [since, limit],
  );
  return rows[0]?.n ?? 0;
}

export async function dedupeStats(
  db: pg.Pool,
  now: number,
  soonMs: number,
): Promise<Record<string, DedupeSourceStats>> {
  const { rows } = await db.query<{ source: string; held: number; soon: number; expired: number }>(
    `SELECT source, count(*) FILTER (WHERE expires_at > $1)::int AS held,
       count(*) FILTER (WHERE expires_at > $1 AND expires_at <= $2)::int AS soon,
       count(*) FILTER (WHERE expires_at <= $1)::int AS expired
     FROM event_dedupe GROUP BY source`,
    [now, now + soonMs],
  );
  const out: Record<string, DedupeSourceStats> = {};
  for (const r of rows) out[r.source] = { held: r.held, expiringSoon: r.soon, expired: r.expired };
  return out;
}
