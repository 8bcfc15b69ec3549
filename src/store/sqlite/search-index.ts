import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { indexedBodyBytes } from '../search-text.ts';

/**
 * The search index's tables, in a database file of their own (`<name>.search.db` beside the
 * store's file): body text (FTS5, rowid = events.rowid; words are runs of letters, digits and
 * combining marks, as src/store/search-text.ts cuts a query, case-folded, accents kept), the
 * lookups by request id and provider event id, and the last events rowid indexed. Deleting the
 * file makes the indexer build it again from the events.
 */
const schemaSql = (s: string) => `
CREATE VIRTUAL TABLE IF NOT EXISTS ${s}.events_fts USING fts5(
  body, content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0 categories ''L* N* M* Co'''
);
CREATE TABLE IF NOT EXISTS ${s}.event_keys (
  event_rowid       INTEGER PRIMARY KEY,
  request_id        TEXT NOT NULL,
  provider_event_id TEXT
);
CREATE INDEX IF NOT EXISTS ${s}.event_keys_request ON event_keys (request_id);
CREATE INDEX IF NOT EXISTS ${s}.event_keys_provider_event ON event_keys (provider_event_id)
  WHERE provider_event_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${s}.search_position (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_rowid INTEGER NOT NULL
);
INSERT OR IGNORE INTO ${s}.search_position (id, last_rowid) VALUES (1, 0);`;

/**
 * What indexing runs, with the events in schema `ev` and the index in schema `ix`. Rowids only
 * grow (one writer; retention never deletes the newest event), so the position is exact.
 */
export function indexStatements(ev: string, ix: string) {
  return {
    position: `SELECT last_rowid FROM ${ix}.search_position WHERE id = 1`,
    batchEnd: `SELECT max(rowid) AS last FROM (
      SELECT rowid FROM ${ev}.events WHERE rowid > ? ORDER BY rowid LIMIT ?)`,
    bodies: `INSERT INTO ${ix}.events_fts (rowid, body)
      SELECT rowid, substr(body, 1, ${indexedBodyBytes}) FROM ${ev}.events
      WHERE rowid > ? AND rowid <= ?`,
    keys: `INSERT INTO ${ix}.event_keys (event_rowid, request_id, provider_event_id)
      SELECT rowid, request_id, provider_event_id FROM ${ev}.events WHERE rowid > ? AND rowid <= ?`,
    advance: `UPDATE ${ix}.search_position SET last_rowid = ? WHERE id = 1`,
    forgetBodies: `DELETE FROM ${ix}.events_fts WHERE rowid IN (SELECT value FROM json_each(?))`,
    forgetKeys: `DELETE FROM ${ix}.event_keys WHERE event_rowid IN (SELECT value FROM json_each(?))`,
  };
}

export type IndexStatements = ReturnType<typeof indexStatements>;

/** One indexing step (in a transaction): the next `limit` events after the position. */
export function indexBatch(db: Database.Database, sql: IndexStatements, limit: number): number {
  const from =
    (db.prepare(sql.position).get() as { last_rowid: number } | undefined)?.last_rowid ?? 0;
  const to = (db.prepare(sql.batchEnd).get(from, limit) as { last: number | null } | undefined)
    ?.last;
  if (to == null) return 0;
  db.prepare(sql.bodies).run(from, to);
  const n = db.prepare(sql.keys).run(from, to).changes;
  db.prepare(sql.advance).run(to);
  return n;
}

type Reply = { id: number; n?: number; error?: string };

/**
 * The body text index of a SQLite store, built on a worker thread with its own connections
 * (search-index-worker.mjs): FTS5's tokenizing and merging (7–20 µs of CPU a body, steps of tens
 * of ms when segments merge) never run on the event loop, and its writes go to its own file, so
 * they never hold the store's write lock or ride on a webhook commit's fsync. Searches read it
 * through `reader`, a read-only connection with the index attached as `search` (a connection that
 * writes must not attach it: BEGIN IMMEDIATE would lock every attached file). An in-memory store
 * (tests) indexes on its own connection instead.
 */
export class SearchIndex {
  /** The connection searches run on: the events as `main`, the index as `search`. */
  readonly reader: Database.Database;
  private readonly worker: Worker | undefined;
  private readonly local: IndexStatements | undefined;
  private readonly pending = new Map<
    number,
    { resolve: (n: number) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(
    private readonly db: Database.Database,
    path: string,
    busyTimeoutMs: number,
  ) {
    if (path === ':memory:') {
      db.exec(`ATTACH DATABASE ':memory:' AS search; ${schemaSql('search')}`);
      this.reader = db;
      this.local = indexStatements('main', 'search');
      return;
    }
    const searchPath = `${path.replace(/\.db$/, '')}.search.db`;
    const init = new Database(searchPath);
    init.pragma('journal_mode = WAL');
    init.exec(schemaSql('main'));
    init.close();
    this.worker = new Worker(new URL('./search-index-worker.mjs', import.meta.url), {
      workerData: {
        eventsPath: path,
        searchPath,
        busyTimeoutMs,
        statements: indexStatements('ev', 'main'),
      },
      execArgv: [],
    });
    this.worker.on('message', (m: Reply) => {
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      // Idle, the worker must not keep the process alive; waited on, it must.
      if (this.pending.size === 0) this.worker?.unref();
      if (m.error !== undefined) waiter?.reject(new Error(m.error));
      else waiter?.resolve(m.n ?? 0);
    });
    this.worker.on('error', (err) => {
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    });
    this.worker.unref();
    this.reader = new Database(path, { readonly: true, fileMustExist: true });
    this.reader.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    this.reader.prepare('ATTACH DATABASE ? AS search').run(searchPath);
  }

  private ask(message: object): Promise<number> {
    const worker = this.worker as Worker;
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, ...message });
    });
  }

  /** Indexes the next `limit` events; how many it took. */
  catchUp(limit: number): Promise<number> {
    if (this.local) {
      const sql = this.local;
      return Promise.resolve(this.db.transaction(() => indexBatch(this.db, sql, limit))());
    }
    return this.ask({ op: 'catchUp', limit });
  }

  /** Drops deleted events (their rowids) from the index. */
  forget(rowids: readonly number[]): Promise<number> {
    if (rowids.length === 0) return Promise.resolve(0);
    const list = JSON.stringify(rowids);
    if (this.local) {
      const sql = this.local;
      this.db.prepare(sql.forgetBodies).run(list);
      return Promise.resolve(this.db.prepare(sql.forgetKeys).run(list).changes);
    }
    return this.ask({ op: 'forget', rowids: list });
  }

  /** Events not indexed yet. */
  backlog(): number {
    const row = this.reader
      .prepare(
        `SELECT count(*) AS n FROM main.events
         WHERE rowid > (SELECT last_rowid FROM search.search_position WHERE id = 1)`,
      )
      .get() as { n: number } | undefined;
    return row?.n ?? 0;
  }

  async close(): Promise<void> {
    if (this.reader !== this.db && this.reader.open) this.reader.close();
    if (!this.worker) return;
    this.worker.ref();
    const exited = once(this.worker, 'exit');
    this.worker.postMessage({ op: 'close' });
    await exited;
  }
}
