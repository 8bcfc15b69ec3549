import type Database from 'better-sqlite3';
import { knownForward } from '../forward-known.ts';
import { toDelivery, type DeliveryRow } from '../rows.ts';
import { wellFormed } from '../text.ts';
import type { ForwardOutcome, ForwardRecord } from '../store.ts';

/** `hookgate listen`'s reports on SQLite (store.ts `deliveryRecordForward`). */
export class ForwardRecords {
  private readonly known;
  private readonly insertDelivery;
  private readonly insertAttempt;

  constructor(private readonly db: Database.Database) {
    this.known = db.prepare<[string], DeliveryRow>(
      `SELECT d.* FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.id = ?`,
    );
    this.insertDelivery = db.prepare<[Record<string, string | number | null>], DeliveryRow>(
      `INSERT INTO deliveries (id, event_id, route, destination, state, attempts, next_attempt_at,
         last_error, error_class, created_at, updated_at, origin)
       SELECT @id, @eventId, @route, @destination, @state, 1, @now, @error, @errorClass, @now,
         @now, 'listen'
       WHERE EXISTS (SELECT 1 FROM events WHERE id = @eventId)
       RETURNING *`,
    );
    this.insertAttempt = db.prepare<[Record<string, string | number | null>]>(
      `INSERT INTO attempts (id, delivery_id, number, worker, started_at, duration_ms, status_code,
         response_body, error, error_class, outcome, request_body)
       VALUES (@id, @deliveryId, 1, @worker, @startedAt, @durationMs, @statusCode, @responseBody,
         @error, @errorClass, @state, NULL)`,
    );
  }

  record(r: ForwardRecord): ForwardOutcome {
    return this.db
      .transaction(() => {
        const known = this.known.get(r.attempt.id);
        if (known) return knownForward(toDelivery(known), r);
        const row = this.insertDelivery.get({
          id: r.deliveryId,
          eventId: r.eventId,
          route: r.route,
          destination: r.destination,
          state: r.state,
          now: r.now,
          error: wellFormed(r.attempt.error),
          errorClass: r.attempt.errorClass,
        });
        if (row === undefined) return undefined;
        this.insertAttempt.run({
          id: r.attempt.id,
          deliveryId: r.deliveryId,
          worker: wellFormed(r.worker),
          startedAt: r.attempt.startedAt,
          durationMs: r.attempt.durationMs,
          statusCode: r.attempt.statusCode,
          responseBody: wellFormed(r.attempt.responseBody),
          error: wellFormed(r.attempt.error),
          errorClass: r.attempt.errorClass,
          state: r.state,
        });
        return toDelivery(row);
      })
      .immediate();
  }
}
