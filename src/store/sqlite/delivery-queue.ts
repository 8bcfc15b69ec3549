import type Database from 'better-sqlite3';
import type {
  Attempt,
  AttemptRecordParams,
  ClaimedDelivery,
  ClaimParams,
  Delivery,
  DeliveryFilter,
  DeliveryView,
  OrderingKeyListParams,
  OrderingKeyView,
  PauseParams,
} from '../store.ts';
import { finalStates, passesKeyTurn, sqlStates } from '../../domain/delivery-state.ts';
import { deliveryFilterSql } from '../delivery-filter.ts';
import { keyTurnPromoter } from './key-turn.ts';
import { wellFormed, wellFormedValues } from '../text.ts';
import {
  toAttempt,
  toDelivery,
  toEvent,
  type AttemptRow,
  type DeliveryRow,
  type EventRow,
} from '../rows.ts';

interface KeyRow {
  destination: string;
  ordering_key: string | null;
}

/**
 * A requeue's changes: due now with a fresh budget, or, for an ordered delivery without its key's
 * turn, waiting for it (queued); a dead letter's review says `requeued`. Parameters:
 * next_attempt_at, updated_at.
 */
const requeueSet = `state = CASE WHEN ordering_key IS NOT NULL AND key_turn = 0 THEN 'queued'
    ELSE 'pending' END,
  next_attempt_at = ?, updated_at = ?, attempt_base = attempts, dead_reason = NULL,
  review_state = CASE WHEN state = 'dead' THEN 'requeued' ELSE review_state END`;

/**
 * The delivery queue on SQLite: the deliveries table is the queue, leases mark what a worker
 * holds. One writer (this process), so claiming needs no row locks, only the lease columns.
 * It runs on its own connection with synchronous=NORMAL: a lease or attempt record lost to a
 * power cut only means the delivery is attempted again (at least once, same Idempotency-Key),
 * and not waiting for fsync is what lets delivery go beyond ~1k/s (bench:deliver).
 */
export class DeliveryQueue {
  private readonly getEvent;
  private readonly recordAttempt;
  private readonly moveDelivery;
  private readonly attemptsOf;
  private readonly release;
  private readonly setPaused;
  private readonly pausedList;
  private readonly isPaused;
  private readonly claim;
  private readonly holdWaiting;
  private readonly releaseHeld;
  private readonly getDelivery;
  private readonly requeueOne;
  private readonly promoteNext;
  private readonly staleTurns;
  private readonly keysWithoutTurn;

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
        string | null,
        string,
        string,
      ]
    >(
      `INSERT INTO attempts (id, delivery_id, number, worker, started_at, duration_ms, status_code,
         response_body, error, error_class, outcome, request_body)
       SELECT ?, id, attempts + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?
       FROM deliveries WHERE id = ? AND lease_owner = ?`,
    );
    this.moveDelivery = db.prepare<
      [
        string,
        number,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
        number,
        number,
        string,
        string,
      ],
      { destination: string; ordering_key: string | null }
    >(
      `UPDATE deliveries SET state = ?, next_attempt_at = ?, last_error = ?, error_class = ?,
         dead_reason = ?, metadata = coalesce(json_patch(coalesce(metadata, '{}'), ?), metadata),
         reasons = ?,
         attempts = attempts + 1, updated_at = ?, lease_owner = NULL, lease_until = NULL,
         key_turn = CASE WHEN ? = 1 THEN 0 ELSE key_turn END
       WHERE id = ? AND lease_owner = ?
       RETURNING destination, ordering_key`,
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
    this.isPaused = db.prepare<[string], { paused: number }>(
      'SELECT paused FROM destination_state WHERE destination = ? AND paused = 1',
    );
    this.claim = db.prepare<[string, number, string, number, number, number], DeliveryRow>(
      `UPDATE deliveries SET lease_owner = ?, lease_until = ?
       WHERE id IN (
         SELECT id FROM deliveries
         WHERE destination = ? AND state IN (${sqlStates('claim')}) AND next_attempt_at <= ?
           AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY next_attempt_at, id LIMIT ?)
       RETURNING *`,
    );
    // Leased rows stay as they are: their attempt finishes and records normally.
    this.holdWaiting = db.prepare<[number, string]>(
      `UPDATE deliveries SET state = 'held', updated_at = ?
       WHERE destination = ? AND state IN (${sqlStates('pause')}) AND lease_owner IS NULL`,
    );
    this.releaseHeld = db.prepare<[number, number, string]>(
      `UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ?
       WHERE destination = ? AND state IN (${sqlStates('resume')})`,
    );
    this.getDelivery = db.prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?');
    this.requeueOne = db.prepare<[number, number, string], KeyRow & { state: string }>(
      `UPDATE deliveries SET ${requeueSet}
       WHERE id = ? AND state IN (${sqlStates('requeue')})
         AND lease_owner IS NULL
       RETURNING destination, ordering_key, state`,
    );
    this.promoteNext = keyTurnPromoter(db);
    this.staleTurns = db.prepare<[], KeyRow>(
      `UPDATE deliveries SET key_turn = 0
       WHERE key_turn = 1 AND state IN (${finalStates.map((f) => `'${f}'`).join(', ')})
       RETURNING destination, ordering_key`,
    );
    this.keysWithoutTurn = db.prepare<[], KeyRow>(
      `SELECT DISTINCT destination, ordering_key FROM deliveries q
       WHERE state = 'queued' AND NOT EXISTS (SELECT 1 FROM deliveries t
         WHERE t.destination = q.destination AND t.ordering_key = q.ordering_key AND t.key_turn = 1)`,
    );
    this.pausedList = db.prepare<[], { destination: string }>(
      'SELECT destination FROM destination_state WHERE paused = 1 ORDER BY destination',
    );
  }

  claimDue(p: ClaimParams): ClaimedDelivery[] {
    if (this.isPaused.get(p.destination)) return [];
    const rows = this.claim.all(p.owner, p.leaseUntil, p.destination, p.now, p.now, p.limit);
    return rows
      .sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id.localeCompare(b.id))
      .flatMap((row) => {
        const event = this.getEvent.get(row.event_id);
        return event ? [{ delivery: toDelivery(row), event: toEvent(event) }] : [];
      });
  }

  /** Records attempts in one transaction; false for each whose lease was lost (nothing written). */
  recordBatch(items: readonly AttemptRecordParams[]): boolean[] {
    return this.db.transaction(() => items.map((p) => this.recordOne(p))).immediate();
  }

  private recordOne(p: AttemptRecordParams): boolean {
    const { attempt: a, outcome: o } = p;
    const inserted = this.recordAttempt.run(
      a.id,
      p.owner,
      a.startedAt,
      a.durationMs,
      a.statusCode,
      wellFormed(a.responseBody),
      wellFormed(a.error),
      a.errorClass,
      o.state,
      wellFormed(a.requestBody),
      p.deliveryId,
      p.owner,
    );
    if (inserted.changes === 0) return false;
    const passes = p.ordering !== undefined && passesKeyTurn(o.state, p.ordering.onDead);
    const moved = this.moveDelivery.get(
      o.state,
      o.nextAttemptAt,
      wellFormed(o.lastError),
      o.errorClass,
      wellFormed(o.deadReason),
      o.metadata === null ? null : JSON.stringify(wellFormedValues(o.metadata)),
      o.reasons === null ? null : JSON.stringify(o.reasons.map((r) => wellFormed(r))),
      a.startedAt + a.durationMs,
      passes ? 1 : 0,
      p.deliveryId,
      p.owner,
    );
    if (passes && moved?.ordering_key != null)
      this.promote(moved.destination, moved.ordering_key, a.startedAt + a.durationMs);
    return true;
  }

  /**
   * Gives a key's turn to its oldest queued delivery if no one holds it; true if it did. Inside
   * the transaction of whatever took the turn away (docs/ordering.md: a discard calls this after
   * clearing the discarded delivery's key_turn).
   */
  promote(destination: string, key: string, now: number): boolean {
    return this.promoteNext(destination, key, now);
  }

  attempts(deliveryId: string): Attempt[] {
    return this.attemptsOf.all(deliveryId).map(toAttempt);
  }

  releaseLeases(owner: string): number {
    return this.release.run(owner).changes;
  }

  setDestinationPaused(p: PauseParams): void {
    this.db
      .transaction(() => {
        this.setPaused.run(p.destination, p.paused ? 1 : 0, p.reason, p.now);
        if (p.paused) this.holdWaiting.run(p.now, p.destination);
        else this.releaseHeld.run(p.now, p.now, p.destination);
      })
      .immediate();
  }

  get(id: string): Delivery | undefined {
    const row = this.getDelivery.get(id);
    return row && toDelivery(row);
  }

  list(p: DeliveryFilter & { limit: number; before?: string | undefined }): DeliveryView[] {
    const { where, args } = deliveryFilterSql(p, () => '?');
    if (p.before !== undefined) {
      where.push('d.id < ?');
      args.push(p.before);
    }
    const sql = `SELECT d.*, e.source AS source, e.event_type AS event_type FROM deliveries d
      JOIN events e ON e.id = d.event_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.id DESC LIMIT ?`;
    return this.db
      .prepare<(string | number)[], DeliveryRow & { source: string; event_type: string | null }>(
        sql,
      )
      .all(...args, p.limit)
      .map((r) => ({ ...toDelivery(r), source: r.source, eventType: r.event_type }));
  }

  /**
   * Requeued deliveries that do not hold their key's turn go to `queued`; then each such key's
   * turn goes to its oldest queued delivery if no one holds it: the order of a key is kept.
   */
  requeue(p: { now: number } & ({ id: string } | { filter: DeliveryFilter })): number {
    return this.db
      .transaction(() => {
        const rows = 'id' in p ? this.requeueOne.all(p.now, p.now, p.id) : this.requeueBy(p);
        for (const r of rows)
          if (r.state === 'queued' && r.ordering_key !== null)
            this.promote(r.destination, r.ordering_key, p.now);
        return rows.length;
      })
      .immediate();
  }

  private requeueBy(p: { now: number; filter: DeliveryFilter }): (KeyRow & { state: string })[] {
    const { where, args } = deliveryFilterSql(
      { ...p.filter, state: p.filter.state ?? 'dead' },
      () => '?',
    );
    const sql = `UPDATE deliveries SET ${requeueSet}
      WHERE lease_owner IS NULL AND state IN (${sqlStates('requeue')}) AND id IN (
        SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id WHERE ${where.join(' AND ')})
      RETURNING destination, ordering_key, state`;
    return this.db
      .prepare<(string | number)[], KeyRow & { state: string }>(sql)
      .all(p.now, p.now, ...args);
  }

  orderingKeys(params: OrderingKeyListParams): OrderingKeyView[] {
    // Text as stored (text.ts), as on PostgreSQL.
    const p = {
      ...params,
      destination: params.destination === undefined ? undefined : wellFormed(params.destination),
      key: params.key === undefined ? undefined : wellFormed(params.key),
    };
    const where = ['t.key_turn = 1'];
    const args: (string | number)[] = [];
    if (p.destination !== undefined) {
      where.push('t.destination = ?');
      args.push(p.destination);
    }
    if (p.key !== undefined) {
      where.push('t.ordering_key = ?');
      args.push(p.key);
    }
    if (p.blocked) where.push("t.state <> 'pending'");
    if (p.tenant !== undefined) {
      where.push('EXISTS (SELECT 1 FROM events e WHERE e.id = t.event_id AND e.tenant = ?)');
      args.push(p.tenant);
    }
    args.push(p.limit);
    const sql = `SELECT t.*, (SELECT count(*) FROM deliveries q WHERE q.destination = t.destination
        AND q.ordering_key = t.ordering_key AND q.state = 'queued') AS queued
      FROM deliveries t WHERE ${where.join(' AND ')}
      ORDER BY t.destination, t.ordering_key LIMIT ?`;
    const rows = this.db
      .prepare<(string | number)[], DeliveryRow & { queued: number }>(sql)
      .all(...args);
    const views = rows.map((r) => ({
      destination: r.destination,
      key: r.ordering_key as string,
      turn: toDelivery(r),
      queued: r.queued,
    }));
    // A key waiting with no turn holder (a repair is due) is shown too when asked for by name.
    if (views.length === 0 && p.key !== undefined && p.destination !== undefined) {
      // Within the tenant too: another tenant's key is as absent as an unknown one.
      const tenant = p.tenant ?? null;
      const queued = this.db
        .prepare<[string, string, string | null, string | null], { n: number }>(
          `SELECT count(*) AS n FROM deliveries q WHERE q.destination = ? AND q.ordering_key = ?
             AND q.state = 'queued' AND (? IS NULL
               OR EXISTS (SELECT 1 FROM events e WHERE e.id = q.event_id AND e.tenant = ?))`,
        )
        .get(p.destination, p.key, tenant, tenant);
      if (queued && queued.n > 0)
        return [{ destination: p.destination, key: p.key, turn: null, queued: queued.n }];
    }
    return views;
  }

  /** See Store.orderingRepair. */
  repairOrdering(now: number): number {
    return this.db
      .transaction(() => {
        const keys = [...this.staleTurns.all(), ...this.keysWithoutTurn.all()];
        let promoted = 0;
        for (const k of keys)
          if (k.ordering_key !== null && this.promote(k.destination, k.ordering_key, now))
            promoted += 1;
        return promoted;
      })
      .immediate();
  }

  paused(): string[] {
    return this.pausedList.all().map((r) => r.destination);
  }
}
