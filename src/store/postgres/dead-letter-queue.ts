import type pg from 'pg';
import {
  actKeysSql,
  actSql,
  keysToPromote,
  type ActedRow,
  listSql,
  purgeCandidatesSql,
  statsSql,
  tallyOrigin,
  tallyReview,
  toDeadLetter,
  type DeadLetterRow,
} from '../dead-letter-sql.ts';
import type {
  DeadLetter,
  DeadLetterAction,
  DeadLetterFilter,
  DeadLetterStats,
  FailureRate,
} from '../dead-letters.ts';
import type { PruneCount } from '../retention.ts';
import { lockOrderingKeys, promoteKeys, type DestinationKey } from './ordering.ts';

const ph = (n: number) => `$${n}`;
const queries = { all: statsSql(ph), scoped: statsSql(ph, true) };

/** The dead-letter queue on PostgreSQL (dead deliveries and their review). */
export async function listDeadLetters(
  db: pg.Pool,
  filter: DeadLetterFilter,
  limit: number,
  before: string | undefined,
): Promise<DeadLetter[]> {
  const { sql, args } = listSql(filter, limit, before, ph);
  return (await db.query<DeadLetterRow>(sql, args)).rows.map(toDeadLetter);
}

/**
 * A review action in the caller's transaction: the keys of its dead letters are locked first
 * (ordering.ts), then the action moves only rows whose key it locked (or that are unordered: a
 * dead letter that went dead meanwhile waits for the next action), then each key whose turn it
 * freed goes on, in a later statement (so it sees what the locks waited for).
 */
export async function actOnDeadLetters(c: pg.PoolClient, p: DeadLetterAction): Promise<number> {
  let keys: DestinationKey[] = [];
  if (p.action !== 'review') {
    const found = actKeysSql(p, ph);
    const { rows } = await c.query<{ destination: string; ordering_key: string }>(
      found.sql,
      found.args,
    );
    keys = rows.map((r) => ({ destination: r.destination, key: r.ordering_key }));
    await lockOrderingKeys(c, keys);
  }
  const { sql, args } = actSql(p, ph, (a) =>
    p.action === 'review'
      ? 'TRUE'
      : `(ordering_key IS NULL OR (destination, ordering_key) IN (SELECT * FROM unnest(
          ${ph(a.push(keys.map((k) => k.destination)))}::text[],
          ${ph(a.push(keys.map((k) => k.key)))}::text[])))`,
  );
  const { rows } = await c.query<ActedRow>(sql, args);
  await promoteKeys(c, keysToPromote(rows), p.now);
  return rows.length;
}

/** Deletes discarded dead letters and their attempts, oldest discard first (rows locked, SKIP LOCKED). */
export async function purgeDeadLetters(
  client: pg.PoolClient,
  discardedBefore: number | undefined,
  limit: number,
): Promise<PruneCount> {
  const { rows } = await client.query<{ id: string }>(
    `${purgeCandidatesSql(ph)} FOR UPDATE SKIP LOCKED`,
    [discardedBefore ?? Number.MAX_SAFE_INTEGER, limit],
  );
  const ids = rows.map((r) => r.id);
  const attempts = await client.query('DELETE FROM attempts WHERE delivery_id = ANY($1::text[])', [
    ids,
  ]);
  const deliveries = await client.query('DELETE FROM deliveries WHERE id = ANY($1::text[])', [ids]);
  return { events: 0, deliveries: deliveries.rowCount ?? 0, attempts: attempts.rowCount ?? 0 };
}

export async function deadLetterStats(
  db: pg.Pool,
  p: { since: number; attentionBefore: number; sample: number; tenant?: string | undefined },
): Promise<DeadLetterStats> {
  const q = p.tenant === undefined ? queries.all : queries.scoped;
  const all = async <T extends pg.QueryResultRow>(sql: string, args: unknown[] = []) =>
    (await db.query<T>(sql, p.tenant === undefined ? args : [p.tenant, ...args])).rows;
  const [review, origin, errors, byDest, bySource, count, oldest] = await Promise.all([
    all<{ state: string; review_state: string | null; n: number }>(q.byReview),
    all<{ destination: string; source: string; provider: string; n: number }>(q.byOrigin),
    all<{ error: string | null; errorClass: string | null; deadReason: string | null }>(q.errors, [
      p.sample,
    ]),
    all<FailureRate>(q.ratesByDestination, [p.since]),
    all<FailureRate>(q.ratesBySource, [p.since]),
    all<{ n: number }>(q.attentionCount, [p.attentionBefore]),
    all<DeadLetterRow>(q.attentionOldest, [p.attentionBefore]),
  ]);
  const byReview = tallyReview(review);
  return {
    dead: byReview.failed + byReview.reviewing,
    byReview,
    ...tallyOrigin(origin),
    errors,
    ratesByDestination: byDest,
    ratesBySource: bySource,
    attention: { count: count[0]?.n ?? 0, oldest: oldest.map(toDeadLetter) },
  };
}
