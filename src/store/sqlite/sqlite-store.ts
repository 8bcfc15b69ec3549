import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { readMigrations } from '../migrations.ts';
import {
  deliveryStates,
  type Delivery,
  type DeliveryState,
  type InsertOutcome,
  type NewEvent,
  type Store,
  type StoredEvent,
} from '../store.ts';

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteStoreOptions {
  /** File path, or ':memory:'. */
  readonly path: string;
  /** How long a write waits for another connection's lock before failing (ms). */
  readonly busyTimeoutMs?: number;
}

interface EventRow {
  id: string;
  source: string;
  provider: string;
  provider_event_id: string | null;
  event_type: string | null;
  request_id: string;
  client_ip: string;
  method: string;
  url: string;
  headers: string;
  body: Buffer;
  received_at: number;
  duplicate_count: number;
  last_duplicate_at: number | null;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  route: string;
  destination: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** Runs synchronous engine work so that a throw becomes a rejection, as with async engines. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

function toEvent(r: EventRow): StoredEvent {
  return {
    id: r.id,
    source: r.source,
    provider: r.provider,
    providerEventId: r.provider_event_id,
    eventType: r.event_type,
    requestId: r.request_id,
    clientIp: r.client_ip,
    method: r.method,
    url: r.url,
    headers: JSON.parse(r.headers) as Record<string, string>,
    body: r.body,
    receivedAt: r.received_at,
    duplicateCount: r.duplicate_count,
    lastDuplicateAt: r.last_duplicate_at,
  };
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    eventId: r.event_id,
    route: r.route,
    destination: r.destination,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Embedded engine. better-sqlite3 is synchronous: a commit (one fsync, ~0.4 ms measured here)
 * runs on the event loop, which is cheaper than a worker hop for batches of this size.
 * WAL + synchronous=FULL: a transaction that returned is on disk, even after power loss.
 */
export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  private prepared: ReturnType<SqliteStore['prepare']> | undefined;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 2000)}`);
  }

  private prepare() {
    const db = this.db;
    return {
      claimKey: db.prepare<[string, string, string, number, number], { event_id: string }>(
        `INSERT INTO event_dedupe (source, dedupe_key, event_id, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (source, dedupe_key) DO UPDATE
           SET event_id = excluded.event_id, expires_at = excluded.expires_at
           WHERE event_dedupe.expires_at <= ?
         RETURNING event_id`,
      ),
      keyOwner: db.prepare<[string, string], { event_id: string }>(
        'SELECT event_id FROM event_dedupe WHERE source = ? AND dedupe_key = ?',
      ),
      countDuplicate: db.prepare<[number, string], { duplicate_count: number }>(
        `UPDATE events SET duplicate_count = duplicate_count + 1, last_duplicate_at = ?
         WHERE id = ? RETURNING duplicate_count`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (id, source, provider, provider_event_id, event_type, request_id,
           client_ip, method, url, headers, body, received_at)
         VALUES (@id, @source, @provider, @providerEventId, @eventType, @requestId,
           @clientIp, @method, @url, @headers, @body, @receivedAt)`,
      ),
      insertDelivery: db.prepare(
        `INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at,
           created_at, updated_at)
         VALUES (@id, @eventId, @route, @destination, 'pending', @at, @at, @at)`,
      ),
      getEvent: db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?'),
      deliveriesByEvent: db.prepare<[string], DeliveryRow>(
        'SELECT * FROM deliveries WHERE event_id = ? ORDER BY id',
      ),
      countByState: db.prepare<[], { state: DeliveryState; n: number }>(
        'SELECT state, count(*) AS n FROM deliveries GROUP BY state',
      ),
      ping: db.prepare('SELECT 1'),
    };
  }

  private get q(): ReturnType<SqliteStore['prepare']> {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const applied = new Set(
      this.db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    const record = this.db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const m of readMigrations(migrationsDir)) {
      if (applied.has(m.version)) continue;
      // IMMEDIATE: a second process migrating the same file waits instead of racing.
      this.db
        .transaction(() => {
          this.db.exec(m.sql);
          record.run(m.version, m.name, Date.now());
        })
        .immediate();
    }
    return Promise.resolve();
  }

  eventInsertBatch(params: { events: readonly NewEvent[] }): Promise<InsertOutcome[]> {
    return settle(() => this.insertBatch(params.events));
  }

  private insertBatch = (events: readonly NewEvent[]): InsertOutcome[] => {
    const q = this.q;
    return this.db
      .transaction((): InsertOutcome[] =>
        events.map((e): InsertOutcome => {
          if (e.dedupeKey !== null) {
            const won = q.claimKey.get(e.source, e.dedupeKey, e.id, e.dedupeUntil, e.receivedAt);
            if (won === undefined) {
              const owner = q.keyOwner.get(e.source, e.dedupeKey);
              const counted = owner && q.countDuplicate.get(e.receivedAt, owner.event_id);
              if (owner && counted) {
                return {
                  status: 'duplicate',
                  eventId: owner.event_id,
                  duplicateCount: counted.duplicate_count,
                };
              }
            }
          }
          q.insertEvent.run({ ...e, headers: JSON.stringify(e.headers) });
          for (const d of e.deliveries) {
            q.insertDelivery.run({
              id: d.id,
              eventId: e.id,
              route: d.route,
              destination: d.destination,
              at: e.receivedAt,
            });
          }
          return { status: 'stored', eventId: e.id };
        }),
      )
      .immediate();
  };

  eventGet(params: { id: string }): Promise<StoredEvent | undefined> {
    const row = this.q.getEvent.get(params.id);
    return Promise.resolve(row && toEvent(row));
  }

  eventList(params: { source?: string; limit: number; before?: string }): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (params.source !== undefined) {
      where.push('source = ?');
      args.push(params.source);
    }
    if (params.before !== undefined) {
      where.push('id < ?');
      args.push(params.before);
    }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], EventRow>(sql).all(...args, params.limit);
    return Promise.resolve(rows.map(toEvent));
  }

  eventCount(params: { source?: string }): Promise<number> {
    const row =
      params.source === undefined
        ? this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events').get()
        : this.db
            .prepare<[string], { n: number }>('SELECT count(*) AS n FROM events WHERE source = ?')
            .get(params.source);
    return Promise.resolve(row?.n ?? 0);
  }

  deliveryListByEvent(params: { eventId: string }): Promise<Delivery[]> {
    return Promise.resolve(this.q.deliveriesByEvent.all(params.eventId).map(toDelivery));
  }

  deliveryCountByState(): Promise<Record<DeliveryState, number>> {
    const counts = Object.fromEntries(deliveryStates.map((s) => [s, 0])) as Record<
      DeliveryState,
      number
    >;
    for (const r of this.q.countByState.all()) counts[r.state] = r.n;
    return Promise.resolve(counts);
  }

  ping(): Promise<void> {
    return settle(() => {
      this.q.ping.get();
    });
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
