import type pg from 'pg';
import { passesKeyTurn } from '../../domain/delivery-state.ts';
import type { AttemptRecordParams } from '../store.ts';
import { wellFormed, wellFormedValues } from '../text.ts';

/**
 * Records a batch of attempts in ONE statement: move each delivery its worker still leases to
 * its next state (the lease check and the row lock are the UPDATE's), then insert the attempts
 * of exactly those rows, numbered from the updated count. The rows travel as one json parameter,
 * as the events' do (batch-insert.ts); `reasons` is a json field kept verbatim. `release`: the
 * outcome passes the delivery's ordering key's turn (the caller holds the key's lock and gives
 * the turn to the next one in its next statement: see ordering.ts).
 */
const recordSql = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS t(delivery_id text, attempt_id text, owner text,
    started_at bigint, duration_ms int, status_code int, response_body text, error text,
    error_class text, state text, next_attempt_at bigint, last_error text,
    outcome_error_class text, dead_reason text, request_body text, metadata json,
    reasons json, release boolean)
),
updated AS (
  UPDATE deliveries d SET state = i.state, next_attempt_at = i.next_attempt_at,
    last_error = i.last_error, error_class = i.outcome_error_class, dead_reason = i.dead_reason,
    metadata = CASE WHEN i.metadata IS NULL THEN d.metadata
      ELSE (coalesce(d.metadata::jsonb, '{}'::jsonb) || i.metadata::jsonb)::text END,
    reasons = i.reasons::text,
    attempts = d.attempts + 1, updated_at = i.started_at + i.duration_ms, lease_owner = NULL,
    lease_until = NULL, key_turn = CASE WHEN i.release THEN false ELSE d.key_turn END
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

/** Whether recording this attempt passes its ordering key's turn on. */
export function passesTurn(item: AttemptRecordParams): boolean {
  return item.ordering !== undefined && passesKeyTurn(item.outcome.state, item.ordering.onDead);
}

export async function recordAttempts(
  db: pg.Pool | pg.PoolClient,
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
    const rows = indexes.map((i) => {
      const { deliveryId, owner, attempt, outcome } = items[i] as AttemptRecordParams;
      return {
        delivery_id: deliveryId,
        attempt_id: attempt.id,
        owner,
        started_at: attempt.startedAt,
        duration_ms: attempt.durationMs,
        status_code: attempt.statusCode,
        response_body: wellFormed(attempt.responseBody),
        error: wellFormed(attempt.error),
        error_class: attempt.errorClass,
        state: outcome.state,
        next_attempt_at: outcome.nextAttemptAt,
        last_error: wellFormed(outcome.lastError),
        outcome_error_class: outcome.errorClass,
        dead_reason: wellFormed(outcome.deadReason),
        request_body: wellFormed(attempt.requestBody),
        metadata: outcome.metadata === null ? null : wellFormedValues(outcome.metadata),
        reasons: outcome.reasons?.map((r) => wellFormed(r)) ?? null,
        ...(passesTurn(items[i] as AttemptRecordParams) ? { release: true } : {}),
      };
    });
    // Named: prepared once per connection (same text every time), planned once.
    const result = await db.query<{ delivery_id: string }>({
      name: 'hookgate_record_attempts',
      text: recordSql,
      values: [JSON.stringify(rows)],
    });
    const recorded = new Set(result.rows.map((r) => r.delivery_id));
    for (const i of indexes)
      results[i] = recorded.has((items[i] as AttemptRecordParams).deliveryId);
    rest = later;
  }
  return results;
}
