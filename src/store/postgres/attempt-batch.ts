import type pg from 'pg';
import type { AttemptRecordParams } from '../store.ts';

/**
 * Records a batch of attempts in ONE statement: move each delivery its worker still leases to
 * its next state (the lease check and the row lock are the UPDATE's), then insert the attempts
 * of exactly those rows, numbered from the updated count.
 */
const recordSql = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::int[],
    $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[],
    $14::text[], $15::text[], $16::text[], $17::text[])
  AS t(delivery_id, attempt_id, owner, started_at, duration_ms, status_code, response_body,
    error, error_class, state, next_attempt_at, last_error, outcome_error_class, dead_reason,
    request_body, internal_order_id, reasons)
),
updated AS (
  UPDATE deliveries d SET state = i.state, next_attempt_at = i.next_attempt_at,
    last_error = i.last_error, error_class = i.outcome_error_class, dead_reason = i.dead_reason,
    internal_order_id = coalesce(i.internal_order_id, d.internal_order_id), reasons = i.reasons,
    attempts = d.attempts + 1, updated_at = i.started_at + i.duration_ms, lease_owner = NULL,
    lease_until = NULL
  FROM input i
  WHERE d.id = i.delivery_id AND d.lease_owner = i.owner
  RETURNING d.id, d.attempts
)
INSERT INTO attempts (id, delivery_id, number, worker, started_at, duration_ms, status_code,
  response_body, error, error_class, outcome, request_body)
SELECT i.attempt_id, i.delivery_id, u.attempts, i.owner, i.started_at, i.duration_ms,
  i.status_code, i.response_body, i.error, i.error_class, i.state, i.request_body
FROM input i JOIN updated u ON u.id = i.delivery_id
RETURNING delivery_id`;

export async function recordAttempts(
  db: pg.Pool,
  items: readonly AttemptRecordParams[],
): Promise<boolean[]> {
  // A delivery twice in one statement would be updated once and numbered twice: split rounds.
  const results: boolean[] = [];
  let rest = items.map((_, i) => i);
  while (rest.length > 0) {
    const seen = new Set<string>();
    const indexes: number[] = [];
    const later: number[] = [];
    for (const i of rest) {
      const id = (items[i] as AttemptRecordParams).deliveryId;
      if (seen.has(id)) later.push(i);
      else {
        seen.add(id);
        indexes.push(i);
      }
    }
    const round = indexes.map((i) => items[i] as AttemptRecordParams);
    const col = <T>(f: (p: AttemptRecordParams) => T) => round.map(f);
    // Named: prepared once per connection (same text every time), planned once.
    const { rows } = await db.query<{ delivery_id: string }>({
      name: 'hookgate_record_attempts',
      text: recordSql,
      values: [
        col((p) => p.deliveryId),
        col((p) => p.attempt.id),
        col((p) => p.owner),
        col((p) => p.attempt.startedAt),
        col((p) => p.attempt.durationMs),
        col((p) => p.attempt.statusCode),
        col((p) => p.attempt.responseBody),
        col((p) => p.attempt.error),
        col((p) => p.attempt.errorClass),
        col((p) => p.outcome.state),
        col((p) => p.outcome.nextAttemptAt),
        col((p) => p.outcome.lastError),
        col((p) => p.outcome.errorClass),
        col((p) => p.outcome.deadReason),
        col((p) => p.attempt.requestBody),
        col((p) => p.outcome.internalOrderId),
        col((p) => (p.outcome.reasons === null ? null : JSON.stringify(p.outcome.reasons))),
      ],
    });
    const recorded = new Set(rows.map((r) => r.delivery_id));
    for (const i of indexes)
      results[i] = recorded.has((items[i] as AttemptRecordParams).deliveryId);
    rest = later;
  }
  return results;
}
