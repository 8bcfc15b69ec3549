import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sqlStates } from '../../domain/delivery-state.ts';
import { deliveryFilterSql } from '../delivery-filter.ts';
import { readMigrations } from '../migrations.ts';
import { passesTurn, recordAttempts } from './attempt-batch.ts';
import { chunkByBodyBytes, insertEventBatch, orderingKeysOf } from './batch-insert.ts';
import { listenForDue } from './due-listener.ts';
import { deadSince, dedupeStats, queueStats } from './stats-queries.ts';
import {
  listOrderingKeys,
  lockOrderingKeys,
  promoteKeys,
  repairOrdering,
  type DestinationKey,
} from './ordering.ts';
import {
  actOnDeadLetters,
  deadLetterStats,
  listDeadLetters,
  purgeDeadLetters,
} from './dead-letter-queue.ts';
import { EventSearch, indexQueued } from './event-search.ts';
import { TextSafeClient } from './text-safe-client.ts';
import { recordForward } from './forward-record.ts';
import {
  advanceJob,
  claimJob,
  controlJob,
  countJobWaiting,
  createJob,
  getJob,
  insertReplays,
  listJobs,
  releaseJobLeases,
} from './job-table.ts';
import { pruneAttempts, pruneEvents, sweepDedupeKeys } from './pruner.ts';
import {
  toAttempt,
  toDelivery,
  summaryColumns,
  toEvent,
  toSummary,
  type AttemptRow,
  type DeliveryRow,
  type EventRow,
} from '../rows.ts';
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
  type DueListenParams,
  type InsertOutcome,
  type NewEvent,
  type OrderingKeyListParams,
  type OrderingKeyView,
  type PauseParams,
  type QueueStats,
  type Store,
  type StoredEvent,
} from '../store.ts';
import { wellFormed } from '../text.ts';

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
/** pg_advisory_lock key: two instances starting at once migrate one after the other. */
const migrationLock = 7_240_911;

// BIGINT (ms timestamps) as numbers: every value we store is far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresStoreOptions {
  readonly connectionString: string;
  /** Schema to use (created if missing); tests give each run its own. */
  readonly schema?: string;
  readonly poolSize?: number;
  /**
   * Body bytes one insert statement carries at most (64 MiB): the bodies travel as one bytea
   * parameter, and PostgreSQL caps a value at 1 GB (1,000 × 1 MB bodies would reach it).
   */
  readonly maxStatementBodyBytes?: number;
}

type Queryable = pg.Pool | pg.PoolClient;

/** SKIP LOCKED: instances claiming at once take different rows; the events come back joined. */
const claimDueSql = `WITH claimed AS (
   UPDATE deliveries SET lease_owner = $1, lease_until = $2
   WHERE id IN (
     SELECT id FROM deliveries
     WHERE destination = $3 AND state IN (${sqlStates('claim')}) AND next_attempt_at <= $4
       AND (lease_until IS NULL OR lease_until <= $4)
       AND NOT EXISTS (SELECT 1 FROM destination_state s WHERE s.destination = $3 AND s.paused)
     ORDER BY next_attempt_at, id LIMIT $5
     FOR UPDATE SKIP LOCKED)
   RETURNING *)
 SELECT c.*, e.source, e.provider, e.provider_event_id, e.event_type, e.request_id,
   e.client_ip, e.method, e.url, e.headers, e.body, e.received_at, e.duplicate_count,
   e.last_duplicate_at, e.trace_context
 FROM claimed c JOIN events e ON e.id = c.event_id
 ORDER BY c.next_attempt_at, c.id`;

/** PostgreSQL engine: the same contract as SQLite, with row locks (SKIP LOCKED) for claims. */
export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  private readonly pool: pg.Pool;
  /** Claims and attempt records: see the constructor. */
  private readonly queuePool: pg.Pool;
  /** Search indexing and retention: one connection of their own, off the dispatcher's. */
  private readonly maintenancePool: pg.Pool;
  private readonly schema: string;
  private readonly connection: pg.ClientConfig;
  /** NOTIFY channel for new due deliveries; per schema, so schemas sharing a database stay apart. */
  private readonly channel: string;
  private readonly maxStatementBodyBytes: number;
  private readonly search: EventSearch;

  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema))
      throw new Error(`invalid schema name: ${this.schema}`);
    this.maxStatementBodyBytes = options.maxStatementBodyBytes ?? 64 * 1024 * 1024;
    this.channel = this.schema === 'public' ? 'hookgate_due' : `hookgate_due_${this.schema}`;
    this.connection = {
      connectionString: options.connectionString,
      types,
      // Parallel workers only add startup time to the gateway's short queries (a search page: 35 → 5 ms).
      options: `-c search_path=${this.schema} -c max_parallel_workers_per_gather=0`,
      // A database that does not answer must fail requests (503), not hold them.
      connectionTimeoutMillis: 5_000,
    };
    this.pool = new pg.Pool({
      ...this.connection,
      Client: TextSafeClient,
      max: options.poolSize ?? 10,
    });
    // Claims and attempt records (a claim, a claim ahead and a batch of records in flight at most)
    // commit without waiting for the WAL flush, as SQLite's queue connection does with
    // synchronous=NORMAL: a database crash can lose the last of them, which only means a delivery
    // is attempted again with the same Idempotency-Key. Events and deliveries are never stored
    // this way. Measured on bench:deliver: 4.2k → 4.6–4.9k deliveries/s, and less CPU per
    // delivery in both processes.
    this.queuePool = new pg.Pool({
      ...this.connection,
      Client: TextSafeClient,
      options: `${this.connection.options} -c synchronous_commit=off`,
      max: 3,
    });
    // Background work whose loss is only redone (an index batch, a prune step): no WAL flush wait
    // either, and one connection (opened on first use) so it never takes the dispatcher's.
    this.maintenancePool = new pg.Pool({
      ...this.connection,
      Client: TextSafeClient,
      options: `${this.connection.options} -c synchronous_commit=off`,
      max: 1,
    });
    // An idle client's error (database restarted) must not crash the process; queries report it.
    this.pool.on('error', () => undefined);
    this.queuePool.on('error', () => undefined);
    this.maintenancePool.on('error', () => undefined);
    this.search = new EventSearch(this.pool);
  }

  private async tx<T>(
    work: (c: pg.PoolClient) => Promise<T>,
    pool: pg.Pool = this.pool,
  ): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      // Passing the error destroys the client: after a lost connection it must not be reused.
      client.release(err as Error);
      throw err;
    }
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // The lock first: two instances creating the same schema at once would collide.
      await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
          (r) => r.version,
        ),
      );
      for (const m of readMigrations(migrationsDir)) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, Date.now()],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => undefined);
      client.release();
    }
  }

  eventInsertBatch(params: { events: readonly NewEvent[] }): Promise<InsertOutcome[]> {
    const chunks = chunkByBodyBytes(params.events, this.maxStatementBodyBytes);
    const keys = orderingKeysOf(params.events);
    if (chunks.length <= 1 && keys.length === 0)
      return insertEventBatch(this.pool, params.events, this.channel);
    // Too many bytes for one statement: several, in one transaction, so the batch stays all or
    // nothing and a later chunk sees the keys an earlier one claimed. Ordered deliveries: their
    // keys are locked first, so whether one takes its key's turn is read after the lock.
    return this.tx(async (c) => {
      await lockOrderingKeys(c, keys);
      const outcomes: InsertOutcome[] = [];
      for (const chunk of chunks)
        outcomes.push(...(await insertEventBatch(c, chunk, this.channel)));
      return outcomes;
    });
  }

  async eventGet(params: { id: string }): Promise<StoredEvent | undefined> {
    const { rows } = await this.pool.query<EventRow>('SELECT * FROM events WHERE id = $1', [
      params.id,
    ]);
    return rows[0] && toEvent(rows[0]);
  }

  async eventStreamList(params: EventStreamParams): Promise<EventSummary[]> {
    const args: unknown[] = [params.after, params.before];
    let where = 'id > $1 AND id < $2';
    // Text as stored (text.ts): a source asked for with NUL or a lone surrogate matches none.
    if (params.source !== undefined)
      where += ` AND source = $${args.push(wellFormed(params.source))}`;
    const { rows } = await this.pool.query<Omit<EventRow, 'body'> & { body_bytes: number }>(
      `SELECT ${summaryColumns}, octet_length(body) AS body_bytes FROM events WHERE ${where}
       ORDER BY id LIMIT $${args.push(params.limit)}`,
      args,
    );
    return rows.map(toSummary);
  }

  async eventList(params: {
    source?: string;
    limit: number;
    before?: string;
  }): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (params.source !== undefined) where.push(`source = $${args.push(params.source)}`);
    if (params.before !== undefined)
      where.push(
        `(received_at, id) < (SELECT received_at, id FROM events WHERE id = $${args.push(params.before)})`,
      );
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY received_at DESC, id DESC LIMIT $${args.push(params.limit)}`;
    return (await this.pool.query<EventRow>(sql, args)).rows.map(toEvent);
  }

  async eventCount(params: { source?: string }): Promise<number> {
    const { rows } =
      params.source === undefined
        ? await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')
        : await this.pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM events WHERE source = $1',
            [params.source],
          );
    return rows[0]?.n ?? 0;
  }

  async deliveryListByEvent(params: { eventId: string }): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      'SELECT * FROM deliveries WHERE event_id = $1 ORDER BY id',
      [params.eventId],
    );
    return rows.map(toDelivery);
  }

  async deliveryCountByState(
    params: { jobId?: string } = {},
  ): Promise<Record<DeliveryState, number>> {
    const counts = Object.fromEntries(deliveryStates.map((s) => [s, 0])) as Record<
      DeliveryState,
      number
    >;
    const { rows } =
      params.jobId === undefined
        ? await this.pool.query<{ state: DeliveryState; n: number }>(
            'SELECT state, count(*)::int AS n FROM deliveries GROUP BY state',
          )
        : await this.pool.query<{ state: DeliveryState; n: number }>(
            'SELECT state, count(*)::int AS n FROM deliveries WHERE job_id = $1 GROUP BY state',
            [params.jobId],
          );
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  eventSearch(params: {
    filter: EventFilter;
    limit: number;
    before?: string;
    order?: SearchOrder;
  }): Promise<EventPage> {
    return this.search.search(params.filter, params.limit, params.before, params.order);
  }

  eventSearchCount(params: { filter: EventFilter; cap: number }): Promise<SearchCount> {
    return this.search.count(params.filter, params.cap);
  }

  /**
   * On the maintenance connection (no WAL flush wait): a lost batch is still queued, and indexed
   * again. At most 200 events a step: their bodies (up to 64 KiB each) are cut into words here.
   */
  searchIndexCatchUp(params: { limit: number }): Promise<number> {
    return this.tx((c) => indexQueued(c, Math.min(params.limit, 200)), this.maintenancePool);
  }

  async searchIndexBacklog(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM search_queue',
    );
    return rows[0]?.n ?? 0;
  }

  async deliveryRecordForward(params: ForwardRecord): Promise<ForwardOutcome> {
    try {
      return await this.tx((client) => recordForward(client, params));
    } catch (err) {
      // The same report twice at once: the other one recorded it.
      if ((err as { code?: string }).code !== '23505') throw err;
      return this.tx((client) => recordForward(client, params));
    }
  }

  async deliveryReplay(params: {
    replays: readonly NewReplay[];
    now: number;
  }): Promise<Delivery[]> {
    const made = await this.tx((c) => insertReplays(c, params.replays, params.now, null));
    if (made.some((d) => d.state === 'pending')) await this.notifyDue(this.pool);
    return made;
  }

  deadLetterList(params: {
    filter: DeadLetterFilter;
    limit: number;
    before?: string | undefined;
  }): Promise<DeadLetter[]> {
    return listDeadLetters(this.pool, params.filter, params.limit, params.before);
  }

  async deadLetterAct(params: DeadLetterAction): Promise<number> {
    const moved = await this.tx((c) => actOnDeadLetters(c, params));
    // A requeue makes deliveries due; a discard may pass an ordering key's turn to the next.
    if (moved > 0 && params.action !== 'review') await this.notifyDue(this.pool);
    return moved;
  }

  deadLetterPurge(params: { discardedBefore?: number; limit: number }): Promise<PruneCount> {
    return this.tx((c) => purgeDeadLetters(c, params.discardedBefore, params.limit));
  }

  deadLetterStats(params: {
    since: number;
    attentionBefore: number;
    sample: number;
    tenant?: string | undefined;
  }): Promise<DeadLetterStats> {
    return deadLetterStats(this.pool, params);
  }

  jobCreate(params: { job: NewJob }): Promise<Job> {
    return createJob(this.pool, params.job);
  }

  jobGet(params: { id: string }): Promise<Job | undefined> {
    return getJob(this.pool, params.id);
  }

  jobList(params: {
    limit: number;
    before?: string | undefined;
    tenant?: string | undefined;
  }): Promise<Job[]> {
    return listJobs(this.pool, params.limit, params.before, params.tenant);
  }

  jobClaim(params: {
    kind: string;
    owner: string;
    now: number;
    leaseUntil: number;
  }): Promise<Job | undefined> {
    return claimJob(this.pool, params);
  }

  async jobAdvance(params: JobAdvance): Promise<boolean> {
    const advanced = await this.tx((c) => advanceJob(c, params));
    if (advanced && params.replays.length > 0) await this.notifyDue(this.pool);
    return advanced;
  }

  jobControl(params: { id: string; action: JobAction; now: number }): Promise<Job | undefined> {
    return controlJob(this.pool, params.id, params.action, params.now);
  }

  jobWaiting(params: { id: string; cap: number }): Promise<number> {
    return countJobWaiting(this.pool, params.id, params.cap);
  }

  jobReleaseLeases(params: { owner: string }): Promise<number> {
    return releaseJobLeases(this.pool, params.owner);
  }

  eventPrune(params: {
    receivedBefore: number;
    now: number;
    limit: number;
    after?: string | undefined;
  }): Promise<PruneCount & { next: string | null }> {
    return this.tx((c) => pruneEvents(c, { ...params, after: params.after }), this.maintenancePool);
  }

  attemptPrune(params: {
    before: number;
    limit: number;
    after?: string | undefined;
  }): Promise<{ deleted: number; next: string | null }> {
    return this.tx(
      (c) => pruneAttempts(c, { ...params, after: params.after }),
      this.maintenancePool,
    );
  }

  dedupeKeySweep(params: { now: number; limit: number }): Promise<number> {
    return sweepDedupeKeys(this.maintenancePool, params.now, params.limit);
  }

  async deliveryClaimDue(p: ClaimParams): Promise<ClaimedDelivery[]> {
    // Named: prepared once per connection, so the plan is not made again at every claim.
    const { rows } = await this.queuePool.query<DeliveryRow & Omit<EventRow, 'id'>>({
      name: 'hookgate_claim_due',
      text: claimDueSql,
      values: [p.owner, p.leaseUntil, p.destination, p.now, p.limit],
    });
    return rows.map((row) => ({
      delivery: toDelivery(row),
      event: toEvent({ ...row, id: row.event_id }),
    }));
  }

  async attemptRecord(params: AttemptRecordParams): Promise<boolean> {
    return (await this.attemptRecordBatch({ items: [params] }))[0] ?? false;
  }

  attemptRecordBatch(params: { items: readonly AttemptRecordParams[] }): Promise<boolean[]> {
    const passing: DestinationKey[] = [];
    let now = 0;
    for (const item of params.items) {
      if (item.ordering === undefined || !passesTurn(item)) continue;
      passing.push({ destination: item.ordering.destination, key: item.ordering.key });
      now = Math.max(now, item.attempt.startedAt + item.attempt.durationMs);
    }
    if (passing.length === 0) return recordAttempts(this.queuePool, params.items);
    // Attempts that pass their key's turn: lock the keys, record, then give each key's turn to
    // its oldest queued delivery (a later statement, so it sees what the lock waited for).
    return this.tx(async (c) => {
      await lockOrderingKeys(c, passing);
      const recorded = await recordAttempts(c, params.items);
      await promoteKeys(c, passing, now);
      return recorded;
    }, this.queuePool);
  }

  async attemptListByDelivery(params: { deliveryId: string }): Promise<Attempt[]> {
    const { rows } = await this.pool.query<AttemptRow>(
      'SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY number',
      [params.deliveryId],
    );
    return rows.map(toAttempt);
  }

  async deliveryReleaseLeases(params: { owner: string }): Promise<number> {
    const r = await this.pool.query(
      'UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1',
      [params.owner],
    );
    return r.rowCount ?? 0;
  }

  destinationSetPaused(p: PauseParams): Promise<void> {
    return this.tx(async (c) => {
      await c.query(
        `INSERT INTO destination_state (destination, paused, reason, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (destination) DO UPDATE SET paused = EXCLUDED.paused, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at`,
        [p.destination, p.paused, p.reason, p.now],
      );
      if (p.paused) {
        await c.query(
          `UPDATE deliveries SET state = 'held', updated_at = $1
           WHERE destination = $2 AND state IN (${sqlStates('pause')}) AND lease_owner IS NULL`,
          [p.now, p.destination],
        );
      } else {
        await c.query(
          `UPDATE deliveries SET state = 'pending', next_attempt_at = $1, updated_at = $1 WHERE destination = $2 AND state IN (${sqlStates('resume')})`,
          [p.now, p.destination],
        );
        await this.notifyDue(c);
      }
    });
  }

  orderingKeyList(params: OrderingKeyListParams): Promise<OrderingKeyView[]> {
    return listOrderingKeys(this.pool, params);
  }

  orderingRepair(params: { now: number }): Promise<number> {
    return repairOrdering(this.pool, (work) => this.tx(work), params.now);
  }

  async destinationPausedList(): Promise<string[]> {
    const { rows } = await this.pool.query<{ destination: string }>(
      'SELECT destination FROM destination_state WHERE paused ORDER BY destination',
    );
    return rows.map((r) => r.destination);
  }

  async deliveryList(
    p: DeliveryFilter & { limit: number; before?: string | undefined },
  ): Promise<DeliveryView[]> {
    const { where, args } = deliveryFilterSql(p, (n) => `$${n}`);
    if (p.before !== undefined) where.push(`d.id < $${args.push(p.before)}`);
    const sql = `SELECT d.*, e.source AS source, e.event_type AS event_type FROM deliveries d
      JOIN events e ON e.id = d.event_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.id DESC LIMIT $${args.push(p.limit)}`;
    const { rows } = await this.pool.query<
      DeliveryRow & { source: string; event_type: string | null }
    >(sql, args);
    return rows.map((r) => ({ ...toDelivery(r), source: r.source, eventType: r.event_type }));
  }

  async deliveryGet(params: { id: string }): Promise<Delivery | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1', [
      params.id,
    ]);
    return rows[0] && toDelivery(rows[0]);
  }

  async deliveryRequeue(
    p: { now: number } & ({ id: string } | { filter: DeliveryFilter }),
  ): Promise<number> {
    const requeued = await this.requeue(p);
    if (requeued > 0) await this.notifyDue(this.pool);
    return requeued;
  }

  /**
   * Requeued deliveries that do not hold their key's turn go to `queued` (their keys locked
   * first), then each such key's turn goes to its oldest queued delivery if no one holds it: a
   * requeue keeps its keys' order. A key it could not lock (it became one meanwhile) is left for
   * the next requeue.
   */
  private requeue(
    p: { now: number } & ({ id: string } | { filter: DeliveryFilter }),
  ): Promise<number> {
    const target = (args: (string | number)[]) => {
      if ('id' in p) return `id = $${args.push(p.id)}`;
      const { where } = deliveryFilterSql(
        { ...p.filter, state: p.filter.state ?? 'dead' },
        (n) => `$${n}`,
        args,
      );
      return `id IN (SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id WHERE ${where.join(' AND ')})`;
    };
    const movable = `lease_owner IS NULL AND state IN (${sqlStates('requeue')})`;
    return this.tx(async (c) => {
      const keyArgs: (string | number)[] = [];
      const { rows } = await c.query<{ destination: string; ordering_key: string }>(
        `SELECT DISTINCT destination, ordering_key FROM deliveries
         WHERE ${movable} AND ordering_key IS NOT NULL AND NOT key_turn AND ${target(keyArgs)}`,
        keyArgs,
      );
      const keys = rows.map((r) => ({ destination: r.destination, key: r.ordering_key }));
      await lockOrderingKeys(c, keys);
      const args: (string | number | string[])[] = [p.now];
      const where = target(args as (string | number)[]);
      const locked = `(destination, ordering_key) IN (SELECT * FROM unnest($${args.push(keys.map((k) => k.destination))}::text[], $${args.push(keys.map((k) => k.key))}::text[]))`;
      const r = await c.query(
        `UPDATE deliveries SET
           state = CASE WHEN ordering_key IS NOT NULL AND NOT key_turn THEN 'queued' ELSE 'pending' END,
           next_attempt_at = $1, updated_at = $1, attempt_base = attempts, dead_reason = NULL,
           review_state = CASE WHEN state = 'dead' THEN 'requeued' ELSE review_state END
         WHERE ${movable} AND ${where} AND (ordering_key IS NULL OR key_turn OR ${locked})`,
        args,
      );
      await promoteKeys(c, keys, p.now);
      return r.rowCount ?? 0;
    });
  }

  /** Wakes every instance's dispatcher (sent at commit when inside a transaction). */
  private async notifyDue(c: Queryable): Promise<void> {
    await c.query('SELECT pg_notify($1, $2)', [this.channel, '']);
  }

  deliveryDueListen(params: DueListenParams): DueListener {
    return listenForDue(this.connection, this.channel, params);
  }

  deliveryQueueStats(params: {
    destinations: readonly string[];
    limit: number;
  }): Promise<QueueStats> {
    return queueStats(this.pool, params.destinations, params.limit);
  }

  deliveryDeadSince(params: { since: number; limit: number }): Promise<number> {
    return deadSince(this.pool, params.since, params.limit);
  }

  dedupeStats(params: { now: number; soonMs: number }): Promise<Record<string, DedupeSourceStats>> {
    return dedupeStats(this.pool, params.now, params.soonMs);
  }

  /** Both pools (ingest and admin; claims and records); the wake-up listener is not counted. */
  connectionCounts(): ConnectionCounts {
    const pools = [this.pool, this.queuePool];
    const sum = (f: (p: pg.Pool) => number) => pools.reduce((n, p) => n + f(p), 0);
    const open = sum((p) => p.totalCount);
    return { open, busy: open - sum((p) => p.idleCount), waiting: sum((p) => p.waitingCount) };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.queuePool.end(), this.maintenancePool.end()]);
  }
}
