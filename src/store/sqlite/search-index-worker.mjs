// Builds a SQLite store's search index on its own thread and connection (search-index.ts says
// why): the index file is `main`, the store's file is attached as `ev` and only read. Deferred
// transactions: only the index file is ever locked for writing, never the store's. The statements
// come from search-index.ts (workerData), so there is one text of them. Plain JS: needs no
// TypeScript loader. Messages: {id, op: 'catchUp', limit} | {id, op: 'forget', rowids} | 'close'.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { eventsPath, searchPath, busyTimeoutMs, statements: sql } = workerData;
const db = new Database(searchPath);
db.pragma('journal_mode = WAL');
// A lost batch is only indexed again: its position is lost with it.
db.pragma('synchronous = NORMAL');
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
db.prepare('ATTACH DATABASE ? AS ev').run(eventsPath);

const position = db.prepare(sql.position);
const batchEnd = db.prepare(sql.batchEnd);
const bodies = db.prepare(sql.bodies);
const keys = db.prepare(sql.keys);
const advance = db.prepare(sql.advance);
const forgetBodies = db.prepare(sql.forgetBodies);
const forgetKeys = db.prepare(sql.forgetKeys);

const catchUp = db.transaction((limit) => {
  const from = position.get()?.last_rowid ?? 0;
  const to = batchEnd.get(from, limit)?.last;
  if (to == null) return 0;
  bodies.run(from, to);
  const n = keys.run(from, to).changes;
  advance.run(to);
  return n;
});
const forget = db.transaction((rowids) => {
  forgetBodies.run(rowids);
  return forgetKeys.run(rowids).changes;
});

parentPort?.on('message', (message) => {
  if (message?.op === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  try {
    const n = message.op === 'catchUp' ? catchUp(message.limit) : forget(message.rowids);
    parentPort?.postMessage({ id: message.id, n });
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: String(err) });
  }
});
