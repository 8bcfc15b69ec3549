import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { readMigrations } from '../migrations.ts';
import {
  deliveryStates,
  type DeadLetter,
  type DeadLetterAction,
  type DeadLetterFilter,
  type DeadLetterStats,
  type EventFilter,
  type EventPage,
  type SearchOrder,
  type EventStreamParams,
  type ForwardOutcome,
  type ForwardRecord,
  type EventSummary,
  type Job,
  type JobAction,
  type JobAdvance,
  type NewJob,
  type NewReplay,
  type PruneCount,
  type SearchCount,
  type Attempt,
  type AttemptRecordParams,
  type ClaimedDelivery,
  type ClaimParams,
  type Delivery,
  type DeliveryFilter,
  type DeliveryState,
  type DeliveryView,
  type ConnectionCounts,
  type DedupeSourceStats,
  type DueListener,
  type InsertOutcome,
  type OrderingKeyListParams,
  type OrderingKeyView,
  type PauseParams,
  type NewEvent,
  type QueueStats,
  type Store,
  type StoredEvent,
} from '../store.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import {
  settle,
  summaryColumns,
  toDelivery,
  toEvent,
  toSummary,
  type DeliveryRow,
  type EventRow,
} from '../rows.ts';
import { openSqlite } from './connection.ts';
import { Checkpointer } from './checkpointer.ts';
import { EventWriter } from './event-writer.ts';
import { StatsQueries } from './stats-queries.ts';
import { EventSearch } from './event-search.ts';
import { ForwardRecords } from './forward-record.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { JobTable } from './job-table.ts';
import { Pruner } from './pruner.ts';
import { SearchIndex } from './search-index.ts';
import { wellFormed } from '../text.ts';

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteStoreOptions {
  /** File path, or ':memory:'. */
  readonly path: string;
  /** How long a write waits for another connection's lock before failing (ms). */
  readonly busyTimeoutMs?: number;
  /** How often the checkpoint thread copies the WAL into the database file (ms). */
  readonly checkpointIntervalMs?: number;
  /** Where background problems (a failed checkpoint) are reported. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Embedded engine. better-sqlite3 is synchronous, so a commit and its fsync run on the event
 * loop. A writer worker thread was measured as well (bench:ingest, 2 cores): no faster, since
 * on this size of machine the structured clone and the extra thread cost what the overlap saves.
 */
export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  /** Claims, leases and attempt records (see DeliveryQueue for why not fsync'd). */
  private readonly queueDb: Database.Database;
  private prepared: ReturnType<SqliteStore['prepare']> | undefined;
  private writer: EventWriter | undefined;
  private queueQueries: DeliveryQueue | undefined;
  private statsQueries: StatsQueries | undefined;
  private searchQueries: EventSearch | undefined;
  private deadLetterQueries: DeadLetterQueue | undefined;
  private jobQueries: JobTable | undefined;
  private pruneQueries: Pruner | undefined;
  private forwardQueries: ForwardRecords | undefined;
  /** Opened by migrate(): its file's tables are made then. */
  private searchIndex: SearchIndex | undefined;
  private readonly path: string;
  private readonly busyTimeoutMs: number;
  private readonly checkpointer: Checkpointer | undefined;

  constructor(options: SqliteStoreOptions) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 2000;
    this.path = options.path;
    this.busyTimeoutMs = busyTimeoutMs;
    this.db = openSqlite(options.path, busyTimeoutMs);
    // ':memory:' databases are per connection: the queue must share the one connection there.
    this.queueDb = options.path === ':memory:' ? this.db : openSqlite(options.path, busyTimeoutMs);
    if (this.queueDb !== this.db) this.queueDb.pragma('synchronous = NORMAL');
    if (options.path !== ':memory:') {
      // The checkpoint thread keeps the WAL short; this is only the backstop if it falls behind.
      this.db.pragma('wal_autocheckpoint = 10000');
      this.checkpointer = new Checkpointer(options.path, {
        intervalMs: options.checkpointIntervalMs ?? 200,
        busyTimeoutMs,
        onError: (message) => options.onWarning?.(`WAL checkpoint failed: ${message}`),
      });
    }
  }

  private prepare() {
    const db = this.db;
    return {
      getEvent: db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?'),
      deliveriesByEvent: db.prepare<[string], DeliveryRow>(
        'SELECT * FROM deliveries WHERE event_id = ? ORDER BY id',
      ),
      countByState: db.prepare<[], { state: DeliveryState; n: number }>(
        'SELECT state, count(*) AS n FROM deliveries GROUP BY state',
      ),
      countByStateOfJob: db.prepare<[string], { state: DeliveryState; n: number }>(
        'SELECT state, count(*) AS n FROM deliveries WHERE job_id = ? GROUP BY state',
      ),
      ping: db.prepare('SELECT 1'),
    };
  }

  private get q(): ReturnType<SqliteStore['prepare']> {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  migrate(): Promise<void> {
    return settle(() => this.migrateNow());
  }

  private migrateNow(): void {
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
    this.searchIndex ??= new SearchIndex(this.db, this.path, this.busyTimeoutMs);
  }

  private get index(): SearchIndex {
    if (this.searchIndex === undefined) throw new Error('the store is not migrated yet');
    return this.searchIndex;
  }

  eventInsertBatch(params: { events: readonly NewEvent[] }): Promise<InsertOutcome[]> {
    return settle(() => {
      // Prepared on first use: the tables exist only after migrate().
      this.writer ??= new EventWriter(this.db);
      return this.writer.insertBatch(params.events);
    });
  }

  eventGet(params: { id: string }): Promise<StoredEvent | undefined> {
    return settle(() => {
      const row = this.q.getEvent.get(params.id);
      return row && toEvent(row);
    });
  }

  eventList(params: { source?: string; limit: number; before?: string }): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (params.source !== undefined) {
      where.push('source = ?');
      args.push(params.source);
    }
    if (params.before !== undefined) {
      where.push('(received_at, rowid) < (SELECT received_at, rowid FROM events WHERE id = ?)');
      args.push(params.before);
    }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY received_at DESC, rowid DESC LIMIT ?`;
    return settle(() =>
      this.db
        .prepare<(string | number)[], EventRow>(sql)
        .all(...args, params.limit)
        .map(toEvent),
    );
  }

  eventStreamList(params: EventStreamParams): Promise<EventSummary[]> {
    const args: (string | number)[] = [params.after, params.before];
    let where = 'id > ? AND id < ?';
    if (params.source !== undefined) {
      where += ' AND source = ?';
      // Text as stored (text.ts): a source asked for with NUL or a lone surrogate matches none.
      args.push(wellFormed(params.source));
    }
    return settle(() =>
      this.db
        .prepare<(string | number)[], Omit<EventRow, 'body'> & { body_bytes: number }>(
          `SELECT ${summaryColumns}, length(body) AS body_bytes FROM events WHERE ${where}
           ORDER BY id LIMIT ?`,
        )
        .all(...args, params.limit)
        .map(toSummary),
    );
  }

  eventCount(params: { source?: string }): Promise<number> {
    return settle(() => {
      const row =
        params.source === undefined
          ? this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events').get()
          : this.db
              .prepare<[string], { n: number }>('SELECT count(*) AS n FROM events WHERE source = ?')
              .get(params.source);
      return row?.n ?? 0;
    });
  }

  deliveryListByEvent(params: { eventId: string }): Promise<Delivery[]> {
    return settle(() => this.q.deliveriesByEvent.all(params.eventId).map(toDelivery));
  }

  deliveryCountByState(params: { jobId?: string } = {}): Promise<Record<DeliveryState, number>> {
    const counts = Object.fromEntries(deliveryStates.map((s) => [s, 0])) as Record<
      DeliveryState,
      number
    >;
    return settle(() => {
      const rows =
        params.jobId === undefined
          ? this.q.countByState.all()
          : this.q.countByStateOfJob.all(params.jobId);
      for (const r of rows) counts[r.state] = r.n;
      return counts;
    });
  }

  /** Prepared on first use (the tables exist only after migrate()), on the index's reader. */
  private get search(): EventSearch {
    this.searchQueries ??= new EventSearch(this.index.reader);
    return this.searchQueries;
  }

  private get deadLetters(): DeadLetterQueue {
    this.deadLetterQueries ??= new DeadLetterQueue(this.db);
    return this.deadLetterQueries;
  }

  private get jobs(): JobTable {
    this.jobQueries ??= new JobTable(this.db);
    return this.jobQueries;
  }

  private get pruner(): Pruner {
    this.pruneQueries ??= new Pruner(this.queueDb);
    return this.pruneQueries;
  }

  eventSearch(params: {
    filter: EventFilter;
    limit: number;
    before?: string;
    order?: SearchOrder;
  }): Promise<EventPage> {
    return settle(() => this.search).then((s) =>
      s.search(params.filter, params.limit, params.before, params.order),
    );
  }

  eventSearchCount(params: { filter: EventFilter; cap: number }): Promise<SearchCount> {
    return settle(() => this.search).then((s) => s.count(params.filter, params.cap));
  }

  searchIndexCatchUp(params: { limit: number }): Promise<number> {
    return settle(() => this.index).then((index) => index.catchUp(params.limit));
  }

  searchIndexBacklog(): Promise<number> {
    return settle(() => this.index.backlog());
  }

  deliveryRecordForward(params: ForwardRecord): Promise<ForwardOutcome> {
    return settle(() => {
      this.forwardQueries ??= new ForwardRecords(this.db);
      return this.forwardQueries.record(params);
    });
  }

  deliveryReplay(params: { replays: readonly NewReplay[]; now: number }): Promise<Delivery[]> {
    return settle(() => this.jobs.replay(params.replays, params.now));
  }

  deadLetterList(params: {
    filter: DeadLetterFilter;
    limit: number;
    before?: string | undefined;
  }): Promise<DeadLetter[]> {
    return settle(() => this.deadLetters.list(params.filter, params.limit, params.before));
  }

  deadLetterAct(params: DeadLetterAction): Promise<number> {
    return settle(() => this.deadLetters.act(params));
  }

  deadLetterPurge(params: { discardedBefore?: number; limit: number }): Promise<PruneCount> {
    return settle(() => this.deadLetters.purge(params.discardedBefore, params.limit));
  }

  deadLetterStats(params: {
    since: number;
    attentionBefore: number;
    sample: number;
    tenant?: string | undefined;
  }): Promise<DeadLetterStats> {
    return settle(() => this.deadLetters.stats(params));
  }

  jobCreate(params: { job: NewJob }): Promise<Job> {
    return settle(() => this.jobs.create(params.job));
  }

  jobGet(params: { id: string }): Promise<Job | undefined> {
    return settle(() => this.jobs.get(params.id));
  }

  jobList(params: {
    limit: number;
    before?: string | undefined;
    tenant?: string | undefined;
  }): Promise<Job[]> {
    return settle(() => this.jobs.list(params.limit, params.before, params.tenant));
  }

  jobClaim(params: {
    kind: string;
    owner: string;
    now: number;
    leaseUntil: number;
  }): Promise<Job | undefined> {
    return settle(() => this.jobs.claim(params));
  }

  jobAdvance(params: JobAdvance): Promise<boolean> {
    return settle(() => this.jobs.advance(params));
  }

  jobControl(params: { id: string; action: JobAction; now: number }): Promise<Job | undefined> {
    return settle(() => this.jobs.control(params.id, params.action, params.now));
  }

  jobWaiting(params: { id: string; cap: number }): Promise<number> {
    return settle(() => this.jobs.waiting(params.id, params.cap));
  }

  jobReleaseLeases(params: { owner: string }): Promise<number> {
    return settle(() => this.jobs.releaseLeases(params.owner));
  }

  eventPrune(params: {
    receivedBefore: number;
    now: number;
    limit: number;
    after?: string | undefined;
  }): Promise<PruneCount & { next: string | null }> {
    return settle(() => this.pruner.events({ ...params, after: params.after })).then(
      async ({ rowids, ...pruned }) => {
        await this.index.forget(rowids);
        return pruned;
      },
    );
  }

  attemptPrune(params: {
    before: number;
    limit: number;
    after?: string | undefined;
  }): Promise<{ deleted: number; next: string | null }> {
    return settle(() => this.pruner.attempts({ ...params, after: params.after }));
  }

  dedupeKeySweep(params: { now: number; limit: number }): Promise<number> {
    return settle(() => this.pruner.dedupeKeys(params.now, params.limit));
  }

  /** Prepared on first use: the tables exist only after migrate(). */
  private get queue(): DeliveryQueue {
    this.queueQueries ??= new DeliveryQueue(this.queueDb);
    return this.queueQueries;
  }

  deliveryClaimDue(params: ClaimParams): Promise<ClaimedDelivery[]> {
    return settle(() => this.queue.claimDue(params));
  }

  attemptRecord(params: AttemptRecordParams): Promise<boolean> {
    return settle(() => this.queue.recordBatch([params])[0] ?? false);
  }

  attemptRecordBatch(params: { items: readonly AttemptRecordParams[] }): Promise<boolean[]> {
    return settle(() => this.queue.recordBatch(params.items));
  }

  attemptListByDelivery(params: { deliveryId: string }): Promise<Attempt[]> {
    return settle(() => this.queue.attempts(params.deliveryId));
  }

  deliveryReleaseLeases(params: { owner: string }): Promise<number> {
    return settle(() => this.queue.releaseLeases(params.owner));
  }

  destinationSetPaused(params: PauseParams): Promise<void> {
    return settle(() => this.queue.setDestinationPaused(params));
  }

  deliveryList(
    params: DeliveryFilter & { limit: number; before?: string | undefined },
  ): Promise<DeliveryView[]> {
    return settle(() => this.queue.list(params));
  }

  deliveryGet(params: { id: string }): Promise<Delivery | undefined> {
    return settle(() => this.queue.get(params.id));
  }

  deliveryRequeue(
    params: { now: number } & ({ id: string } | { filter: DeliveryFilter }),
  ): Promise<number> {
    return settle(() => this.queue.requeue(params));
  }

  destinationPausedList(): Promise<string[]> {
    return settle(() => this.queue.paused());
  }

  orderingKeyList(params: OrderingKeyListParams): Promise<OrderingKeyView[]> {
    return settle(() => this.queue.orderingKeys(params));
  }

  orderingRepair(params: { now: number }): Promise<number> {
    return settle(() => this.queue.repairOrdering(params.now));
  }

  /** One process owns the file and its commits wake its dispatcher directly: nothing to listen to. */
  deliveryDueListen(): DueListener {
    return { close: () => Promise.resolve() };
  }

  /** Prepared on first use: the tables exist only after migrate(). */
  private get stats(): StatsQueries {
    this.statsQueries ??= new StatsQueries(this.db);
    return this.statsQueries;
  }

  deliveryQueueStats(params: {
    destinations: readonly string[];
    limit: number;
  }): Promise<QueueStats> {
    return settle(() => this.stats.queueStats(params.destinations, params.limit));
  }

  deliveryDeadSince(params: { since: number; limit: number }): Promise<number> {
    return settle(() => this.stats.deadCount(params.since, params.limit));
  }

  dedupeStats(params: { now: number; soonMs: number }): Promise<Record<string, DedupeSourceStats>> {
    return settle(() => this.stats.dedupeStats(params.now, params.soonMs));
  }

  /** The ingest and queue connections (one for ':memory:'), plus the checkpoint thread's. */
  connectionCounts(): ConnectionCounts {
    const queue = this.queueDb !== this.db && this.queueDb.open ? 1 : 0;
    const open = (this.db.open ? 1 : 0) + queue + (this.checkpointer ? 1 : 0);
    return { open, busy: 0, waiting: 0 };
  }

  ping(): Promise<void> {
    return settle(() => {
      this.q.ping.get();
    });
  }

  async close(): Promise<void> {
    await this.searchIndex?.close();
    await this.checkpointer?.close();
    if (this.queueDb.open) this.queueDb.close();
    if (this.db.open) this.db.close();
  }
}
