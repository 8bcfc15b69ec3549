/**
 * The dead-letter queue's SQL, for either engine: `ph(n)` writes the n-th parameter (`?` for
 * SQLite, `$n` for PostgreSQL); every builder returns the text and its parameters in order.
 */
import { sqlStates } from '../domain/delivery-state.ts';
import { deadLetterFilterSql, reviewOf } from './dead-letter-filter.ts';
import type { DeadLetter, DeadLetterAction, DeadLetterFilter } from './dead-letters.ts';
import { toDelivery, type DeliveryRow } from './rows.ts';
import { wellFormed } from './text.ts';

type Ph = (n: number) => string;
/** Parameters; PostgreSQL's may be arrays (`unnest`). */
export type Args = (string | number | null | readonly string[])[];

export type DeadLetterRow = DeliveryRow & {
  source: string;
  event_type: string | null;
  provider: string;
  received_at: number;
};

const select = `SELECT d.*, e.source AS source, e.event_type AS event_type, e.provider AS provider,
  e.received_at AS received_at FROM deliveries d JOIN events e ON e.id = d.event_id`;

export function toDeadLetter(r: DeadLetterRow): DeadLetter {
  return {
    ...toDelivery(r),
    source: r.source,
    eventType: r.event_type,
    provider: r.provider,
    receivedAt: r.received_at,
    deadAt: r.updated_at,
    review: reviewOf(r.state, r.review_state),
  };
}

export function listSql(
  filter: DeadLetterFilter,
  limit: number,
  before: string | undefined,
  ph: Ph,
): { sql: string; args: Args } {
  const { where, args } = deadLetterFilterSql(filter, ph, []);
  if (before !== undefined) where.push(`d.id < ${ph(args.push(before))}`);
  return {
    sql: `${select} WHERE ${where.join(' AND ')} ORDER BY d.id DESC LIMIT ${ph(args.push(limit))}`,
    args,
  };
}

/** The dead letters an action applies to (never one a worker holds), appending to `args`. */
function actTarget(p: DeadLetterAction, ph: Ph, args: Args): string {
  let where: string[];
  if ('id' in p.target) {
    where = [`d.id = ${ph(args.push(p.target.id))}`, `d.state IN (${sqlStates('discard')})`];
  } else {
    where = deadLetterFilterSql(p.target.filter, ph, args as (string | number)[]).where;
  }
  return `lease_owner IS NULL AND state IN (${sqlStates(p.action)}) AND id IN (
    SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id WHERE ${where.join(' AND ')})`;
}

/** The ordering keys of the dead letters an action applies to (PostgreSQL locks them first). */
export function actKeysSql(p: DeadLetterAction, ph: Ph): { sql: string; args: Args } {
  const args: Args = [];
  const target = actTarget(p, ph, args);
  return {
    sql: `SELECT DISTINCT destination, ordering_key FROM deliveries
      WHERE ordering_key IS NOT NULL AND ${target}`,
    args,
  };
}

/**
 * One review action on one dead letter or every match: the review columns, and for requeue and
 * discard the state. Never a delivery a worker holds. Ordering (docs/ordering.md): a requeued
 * dead letter that does not hold its key's turn waits `queued` for it; a discarded one gives its
 * turn back. Returns each moved row's destination, key and new state: the caller then gives the
 * turn of each such key to its oldest queued delivery, in the same transaction. `only` adds a
 * condition (PostgreSQL: the row's key is unordered or one it locked).
 */
export function actSql(
  p: DeadLetterAction,
  ph: Ph,
  only?: (args: Args) => string,
): { sql: string; args: Args } {
  const args: Args = [];
  const now = () => ph(args.push(p.now));
  const set = (): string => {
    if (p.action === 'review') return `review_state = 'reviewing'`;
    if (p.action === 'discard')
      return `state = 'discarded', review_state = 'discarded', key_turn = FALSE`;
    return `state = CASE WHEN ordering_key IS NOT NULL AND NOT key_turn THEN 'queued'
        ELSE 'pending' END,
      next_attempt_at = ${now()}, updated_at = ${now()},
      attempt_base = attempts, dead_reason = NULL, review_state = 'requeued'`;
  };
  const setSql = set();
  const review = `reviewed_by = ${ph(args.push(wellFormed(p.actor)))}, reviewed_at = ${now()},
    review_note = ${ph(args.push(wellFormed(p.note)))}`;
  const target = actTarget(p, ph, args);
  return {
    sql: `UPDATE deliveries SET ${setSql}, ${review}
      WHERE ${target}${only ? ` AND ${only(args)}` : ''}
      RETURNING destination, ordering_key, state`,
    args,
  };
}

/** A row an action moved: its key's turn may have to pass (see actSql). */
export interface ActedRow {
  readonly destination: string;
  readonly ordering_key: string | null;
  readonly state: string;
}

/** The keys whose turn may have to pass after an action: a discard's, a requeue that queued. */
export function keysToPromote(rows: readonly ActedRow[]): { destination: string; key: string }[] {
  return rows.flatMap((r) =>
    r.ordering_key !== null && (r.state === 'discarded' || r.state === 'queued')
      ? [{ destination: r.destination, key: r.ordering_key }]
      : [],
  );
}

const deadStates = `'dead', 'discarded'`;
const needsAttention = `d.state = 'dead' AND (d.review_state IS NULL OR d.review_state <> 'reviewing')
  AND d.updated_at < `;

/**
 * The statements of the queue's statistics; each takes at most one parameter of its own, and
 * when `scoped` the tenant (of the deliveries' events) before it: the tenant is `ph(1)` and
 * comes first in the text, so positional parameters (SQLite's `?`) bind in the same order.
 */
export function statsSql(ph: Ph, scoped = false) {
  const from = scoped ? 'deliveries d JOIN events e ON e.id = d.event_id' : 'deliveries d';
  const own = ph(scoped ? 2 : 1);
  const where = (condition: string) =>
    scoped ? `WHERE e.tenant = ${ph(1)} AND ${condition}` : `WHERE ${condition}`;
  return {
    byReview: `SELECT d.state, d.review_state, count(*) AS n FROM ${from}
      ${where(`d.state IN (${deadStates})`)} GROUP BY d.state, d.review_state`,
    byOrigin: `SELECT d.destination, e.source, e.provider, count(*) AS n FROM deliveries d
      JOIN events e ON e.id = d.event_id ${where(`d.state = 'dead'`)}
      GROUP BY d.destination, e.source, e.provider`,
    errors: `SELECT d.last_error AS error, d.error_class AS "errorClass",
        d.dead_reason AS "deadReason"
      FROM ${from} ${where(`d.state = 'dead'`)} ORDER BY d.id DESC LIMIT ${own}`,
    ratesByDestination: `SELECT d.destination AS name, count(*) AS total,
        sum(CASE WHEN d.state IN (${deadStates}) THEN 1 ELSE 0 END) AS dead
      FROM ${from} ${where(`d.created_at >= ${own}`)}
      GROUP BY d.destination ORDER BY d.destination`,
    ratesBySource: `SELECT e.source AS name, count(*) AS total,
        sum(CASE WHEN d.state IN (${deadStates}) THEN 1 ELSE 0 END) AS dead
      FROM deliveries d JOIN events e ON e.id = d.event_id
      ${where(`d.created_at >= ${own}`)} GROUP BY e.source ORDER BY e.source`,
    attentionCount: `SELECT count(*) AS n FROM ${from} ${where(`${needsAttention}${own}`)}`,
    attentionOldest: `${select} ${where(`${needsAttention}${own}`)}
      ORDER BY d.updated_at, d.id LIMIT 20`,
  };
}

/** Discarded dead letters to delete, oldest discard first: `ph(1)` before, `ph(2)` limit. */
export const purgeCandidatesSql = (ph: Ph) =>
  `SELECT id FROM deliveries WHERE state = 'discarded' AND reviewed_at < ${ph(1)}
   ORDER BY reviewed_at LIMIT ${ph(2)}`;

/** Adds up the statistics' rows into the counts the API answers with. */
export function tallyReview(
  rows: readonly { state: string; review_state: string | null; n: number }[],
) {
  const byReview = { failed: 0, reviewing: 0, discarded: 0 };
  for (const r of rows) byReview[reviewOf(r.state, r.review_state) as keyof typeof byReview] += r.n;
  return byReview;
}

export function tallyOrigin(
  rows: readonly { destination: string; source: string; provider: string; n: number }[],
) {
  const byDestination: Record<string, number> = {};
  const bySource: Record<string, number> = {};
  const byProvider: Record<string, number> = {};
  for (const r of rows) {
    byDestination[r.destination] = (byDestination[r.destination] ?? 0) + r.n;
    bySource[r.source] = (bySource[r.source] ?? 0) + r.n;
    byProvider[r.provider] = (byProvider[r.provider] ?? 0) + r.n;
  }
  return { byDestination, bySource, byProvider };
}
