import { tenantOf } from '../../domain/tenant.ts';
import type Database from 'better-sqlite3';
import { created, sqlCreatedState } from '../../domain/delivery-state.ts';
import type { InsertOutcome, NewEvent } from '../store.ts';
import { wellFormed } from '../text.ts';

/** Writes batches of events with dedupe and deliveries, one IMMEDIATE transaction per batch. */
export class EventWriter {
  private readonly claimKey;
  private readonly keyOwner;
  private readonly countDuplicate;
  private readonly insertEvent;
  private readonly insertDelivery;
  private readonly destinationPaused;
  private readonly keyTurnTaken;
  private readonly insertOrdered;

  constructor(private readonly db: Database.Database) {
    // An expired key is taken over in place; a live one makes this event a duplicate.
    this.claimKey = db.prepare<[string, string, string, number, number], { event_id: string }>(
      `INSERT INTO event_dedupe (source, dedupe_key, event_id, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (source, dedupe_key) DO UPDATE
         SET event_id = excluded.event_id, expires_at = excluded.expires_at
         WHERE event_dedupe.expires_at <= ?
       RETURNING event_id`,
    );
    this.keyOwner = db.prepare<[string, string], { event_id: string }>(
      'SELECT event_id FROM event_dedupe WHERE source = ? AND dedupe_key = ?',
    );
    this.countDuplicate = db.prepare<[number, string], { duplicate_count: number }>(
      `UPDATE events SET duplicate_count = duplicate_count + 1, last_duplicate_at = ?
       WHERE id = ? RETURNING duplicate_count`,
    );
    // Positional parameters: binding by name costs a property lookup per column per row.
    this.insertEvent = db.prepare<
      [
        string,
        string,
        string,
        string | null,
        string | null,
        string,
        string,
        string,
        string,
        string,
        Buffer,
        number,
        string | null,
        string,
      ]
    >(
      `INSERT INTO events (id, source, provider, provider_event_id, event_type, request_id,
         client_ip, method, url, headers, body, received_at, trace_context, tenant)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // A delivery to a paused destination is created held (one indexed lookup per delivery).
    this.insertDelivery = db.prepare<
      [string, string, string, string, string, number, number, number]
    >(
      `INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at,
         created_at, updated_at)
       VALUES (?, ?, ?, ?, ${sqlCreatedState(
         'EXISTS (SELECT 1 FROM destination_state s WHERE s.destination = ? AND s.paused = 1)',
       )}, ?, ?, ?)`,
    );
    this.destinationPaused = db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM destination_state WHERE destination = ? AND paused = 1',
    );
    this.keyTurnTaken = db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM deliveries WHERE destination = ? AND ordering_key = ? AND key_turn = 1',
    );
    // An ordered delivery takes its key's turn when no one holds it, else waits queued; key_seq
    // keeps the order they were stored in (this process is the file's one writer).
    this.insertOrdered = db.prepare<
      [string, string, string, string, string, number, number, number, string, number]
    >(
      `INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at,
         created_at, updated_at, ordering_key, key_seq, key_turn)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,
         coalesce((SELECT key_seq FROM deliveries WHERE key_seq IS NOT NULL
           ORDER BY key_seq DESC LIMIT 1), 0) + 1, ?)`,
    );
  }

  insertBatch(events: readonly NewEvent[]): InsertOutcome[] {
    return this.db.transaction(() => events.map((e) => this.insertOne(e))).immediate();
  }

  private insertOne(e: NewEvent): InsertOutcome {
    const key = wellFormed(e.dedupeKey);
    if (key !== null) {
      const won = this.claimKey.get(e.source, key, e.id, e.dedupeUntil, e.receivedAt);
      const owner = won === undefined ? this.keyOwner.get(e.source, key) : undefined;
      const counted = owner && this.countDuplicate.get(e.receivedAt, owner.event_id);
      if (owner && counted) {
        return {
          status: 'duplicate',
          eventId: owner.event_id,
          duplicateCount: counted.duplicate_count,
        };
      }
    }
    this.insertEvent.run(
      e.id,
      e.source,
      e.provider,
      wellFormed(e.providerEventId),
      wellFormed(e.eventType),
      wellFormed(e.requestId),
      e.clientIp,
      e.method,
      wellFormed(e.url),
      JSON.stringify(e.headers),
      e.body,
      e.receivedAt,
      e.traceContext ?? null,
      tenantOf(e.source),
    );
    const at = e.receivedAt;
    for (const d of e.deliveries) {
      const key = wellFormed(d.orderingKey ?? null);
      if (key === null) {
        this.insertDelivery.run(d.id, e.id, d.route, d.destination, d.destination, at, at, at);
        continue;
      }
      // The key's turn, if free, is created as any delivery is (held while paused); the others
      // of the key wait queued behind it.
      const turn = this.keyTurnTaken.get(d.destination, key) === undefined;
      const state = !turn
        ? 'queued'
        : this.destinationPaused.get(d.destination)
          ? created.paused
          : created.due;
      this.insertOrdered.run(
        d.id,
        e.id,
        d.route,
        d.destination,
        state,
        at,
        at,
        at,
        key,
        turn ? 1 : 0,
      );
    }
    return { status: 'stored', eventId: e.id };
  }
}
