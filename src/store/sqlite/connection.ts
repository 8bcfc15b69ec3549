import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * WAL + synchronous=FULL: a transaction that returned is on disk, even after power loss.
 * busy_timeout bounds how long a write waits for another process's lock before failing.
 */
export function openSqlite(path: string, busyTimeoutMs: number): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  // 64 MiB of page cache (default 2 MiB): measured 1.42 → 1.15 ms per 50-event commit.
  db.pragma('cache_size = -65536');
  return db;
}
