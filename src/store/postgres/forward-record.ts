import type pg from 'pg';
import { knownForward } from '../forward-known.ts';
import { toDelivery, type DeliveryRow } from '../rows.ts';
import { wellFormed } from '../text.ts';
import type { ForwardOutcome, ForwardRecord } from '../store.ts';

/** `hookgate listen`'s reports on PostgreSQL (store.ts `deliveryRecordForward`), in `client`'s transaction. */
export async function recordForward(
  client: pg.PoolClient,
  r: ForwardRecord,
): Promise<ForwardOutcome> {
  const known = await client.query<DeliveryRow>(
    'SELECT d.* FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.id = $1',
    [r.attempt.id],
  );
  if (known.rows[0]) return knownForward(toDelivery(known.rows[0]), r);
  const made = await client.query<DeliveryRow>(
    `INSERT INTO deliveries (id, event_id, route, destination, state, attempts, next_attempt_at,
       last_error, error_class, created_at, updated_at, origin)
     SELECT $1, $2, $3, $4, $5, 1, $6, $7, $8, $6, $6, 'listen'
     WHERE EXISTS (SELECT 1 FROM events WHERE id = $2)
     RETURNING *`,
    [
      r.deliveryId,
      r.eventId,
      r.route,
      r.destination,
      r.state,
      r.now,
      wellFormed(r.attempt.error),
      r.attempt.errorClass,
    ],
  );
  const row = made.rows[0];
  if (row === undefined) return undefined;
  // A report sent twice at once: the second waits on the first's attempt id and records nothing.
  await client.query(
    `INSERT INTO attempts (id, delivery_id, number, worker, started_at, duration_ms, status_code,
       response_body, error, error_class, outcome, request_body)
     VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, NULL)`,
    [
      r.attempt.id,
      r.deliveryId,
      wellFormed(r.worker),
      r.attempt.startedAt,
      r.attempt.durationMs,
      r.attempt.statusCode,
      wellFormed(r.attempt.responseBody),
      wellFormed(r.attempt.error),
      r.attempt.errorClass,
      r.state,
    ],
  );
  return toDelivery(row);
}
