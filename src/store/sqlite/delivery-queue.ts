import type Database from 'better-sqlite3';
import type {
  Attempt,
  AttemptRecordParams,
  ClaimedDelivery,
  ClaimParams,
  PauseParams,
} from '../store.ts';
import {
  toAttempt,
  toDelivery,
  toEvent,
  type AttemptRow,
  type DeliveryRow,
  type EventRow,
} from './rows.ts';

/**
 * The delivery queue on SQLite: the deliveries table is the queue, leases mark what a worker
 * holds. One writer (this process), so claiming needs no row locks, only the lease columns.
 */
export class DeliveryQueue {
  private readonly getEvent;
  private readonly recordAttempt;
  private readonly moveDelivery;
  private readonly attemptsOf;
  private readonly release;
  private readonly setPaused;
  private readonly pausedList;

  constructor(private readonly db: Database.Database) {
    this.getEvent = db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?');
    this.recordAttempt = db.prepare<
      [
        string,
        string,
        number,
        number,
        number | null,
        string | null,
        string | null,
        string | null,
        string,
        string,
        string,
      ]
    >(
      `INSERT INTO attempts (id, delivery_id, number, worker, started_at, duration_ms, status_code,
         response_body, error, error_class, outcome)
       SELECT ?, id, attempts + 1, ?, ?, ?, ?, ?, ?, ?, ?
       FROM deliveries WHERE id = ? AND lease_owner = ?`,
    );
    this.moveDelivery = db.prepare<
      [string, number, string | null, string | null, string | null, number, string, string]
    >(
      `UPDATE deliveries SET state = ?, next_attempt_at = ?, last_error = ?, error_class = ?,
         dead_reason = ?, attempts = attempts + 1, updated_at = ?, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND lease_owner = ?`,
    );
    this.attemptsOf = db.prepare<[string], AttemptRow>(
      'SELECT * FROM attempts WHERE delivery_id = ? ORDER BY number',
    );
    this.release = db.prepare<[string]>(
      'UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?',
    );
    this.setPaused = db.prepare<[string, number, string | null, number]>(
      `INSERT INTO destination_state (destination, paused, reason, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (destination) DO UPDATE SET paused = excluded.paused, reason = excluded.reason,
         updated_at = excluded.updated_at`,
    );
    this.pausedList = db.prepare<[], { destination: string }>(
      'SELECT destination FROM destination_state WHERE paused = 1 ORDER BY destination',
    );
  }

  claimDue(p: ClaimParams): ClaimedDelivery[] {
    const excluded = [...p.excludeDestinations, ...this.paused()];
    const notIn = excluded.length
      ? `AND destination NOT IN (${excluded.map(() => '?').join(', ')})`
      : '';
    const rows = this.db
      .prepare<(string | number)[], DeliveryRow>(
        `UPDATE deliveries SET lease_owner = ?, lease_until = ?
         WHERE id IN (
           SELECT id FROM deliveries
           WHERE state IN ('pending', 'retry') AND next_attempt_at <= ?
             AND (lease_until IS NULL OR lease_until <= ?) ${notIn}
           ORDER BY next_attempt_at, id LIMIT ?)
         RETURNING *`,
      )
      .all(p.owner, p.leaseUntil, p.now, p.now, ...excluded, p.limit);
    return rows
      .sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id.localeCompare(b.id))
      .flatMap((row) => {
        const event = this.getEvent.get(row.event_id);
        return event ? [{ delivery: toDelivery(row), event: toEvent(event) }] : [];
      });
  }

  record(p: AttemptRecordParams): boolean {
    const { attempt: a, outcome: o } = p;
    return this.db
      .transaction(() => {
        const inserted = this.recordAttempt.run(
          a.id,
          p.owner,
          a.startedAt,
          a.durationMs,
          a.statusCode,
          a.responseBody,
          a.error,
          a.errorClass,
          o.state,
          p.deliveryId,
          p.owner,
        );
        if (inserted.changes === 0) return false;
        this.moveDelivery.run(
          o.state,
          o.nextAttemptAt,
          o.lastError,
          o.errorClass,
          o.deadReason,
          a.startedAt + a.durationMs,
          p.deliveryId,
          p.owner,
        );
        return true;
      })
      .immediate();
  }

  attempts(deliveryId: string): Attempt[] {
    return this.attemptsOf.all(deliveryId).map(toAttempt);
  }

  releaseLeases(owner: string): number {
    return this.release.run(owner).changes;
  }

  setDestinationPaused(p: PauseParams): void {
    this.setPaused.run(p.destination, p.paused ? 1 : 0, p.reason, p.now);
  }

  paused(): string[] {
    return this.pausedList.all().map((r) => r.destination);
  }
}
