import type Database from 'better-sqlite3';
import { finalStates, sqlList } from '../../domain/delivery-state.ts';
import { idFloor } from '../retention-ids.ts';
import type { PruneCount } from '../retention.ts';
import { decodeCursor, encodeCursor } from '../search.ts';

/** Events looked at per prune step at most (kept ones included), so a step stays short. */
const scanFactor = 4;

/**
 * Retention on SQLite, in small transactions on the queue connection (synchronous=NORMAL: a
 * prune lost to a power cut is done again at the next step). Each step is one IMMEDIATE
 * transaction that holds the write lock for a batch only, so ingest commits wait milliseconds.
 */
export class Pruner {
  constructor(private readonly db: Database.Database) {}

  /**
   * Deletes events received before `receivedBefore` (oldest first, from `after`) that nothing
   * keeps: every delivery over, dedupe window closed. Looks at `limit × 4` events at most. The
   * newest event is always kept: rowids then only grow, which the search indexer relies on.
   */
  events(p: {
    receivedBefore: number;
    now: number;
    limit: number;
    after: string | undefined;
  }): PruneCount & { next: string | null; rowids: number[] } {
    const cursor = p.after === undefined ? undefined : decodeCursor(p.after, /^\d+$/);
    return this.db
      .transaction(() => {
        const scanned = this.db
          .prepare<
            (number | string)[],
            { seq: number; id: string; received_at: number; keep: number }
          >(
            `SELECT e.rowid AS seq, e.id, e.received_at,
               EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id
                 AND d.state NOT IN (${sqlList(finalStates)}))
               OR EXISTS (SELECT 1 FROM event_dedupe k WHERE k.event_id = e.id AND k.expires_at > ?)
               AS keep
             FROM events e WHERE e.received_at < ?
               AND e.rowid < (SELECT max(rowid) FROM events)
               ${cursor ? 'AND (e.received_at, e.rowid) > (?, ?)' : ''}
             ORDER BY e.received_at, e.rowid LIMIT ?`,
          )
          .all(
            p.now,
            p.receivedBefore,
            ...(cursor ? [cursor.receivedAt, Number(cursor.tiebreak)] : []),
            p.limit * scanFactor,
          );
        const gone = scanned.filter((r) => !r.keep).slice(0, p.limit);
        const last = gone.length === p.limit ? gone.at(-1) : scanned.at(-1);
        const next =
          scanned.length === p.limit * scanFactor || gone.length === p.limit
            ? last && encodeCursor({ receivedAt: last.received_at, tiebreak: String(last.seq) })
            : undefined;
        const ids = JSON.stringify(gone.map((r) => r.id));
        const run = (sql: string, list: string) => this.db.prepare<[string]>(sql).run(list).changes;
        const attempts = run(
          `DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries
             WHERE event_id IN (SELECT value FROM json_each(?)))`,
          ids,
        );
        const deliveries = run(
          'DELETE FROM deliveries WHERE event_id IN (SELECT value FROM json_each(?))',
          ids,
        );
        run('DELETE FROM event_dedupe WHERE event_id IN (SELECT value FROM json_each(?))', ids);
        const events = run('DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))', ids);
        // Their search entries are dropped by the caller (the index is another file).
        return { events, deliveries, attempts, next: next ?? null, rowids: gone.map((r) => r.seq) };
      })
      .immediate();
  }

  /** Deletes attempts made before `before` of deliveries that are over, oldest first. */
  attempts(p: { before: number; limit: number; after: string | undefined }): {
    deleted: number;
    next: string | null;
  } {
    return this.db
      .transaction(() => {
        const scanned = this.db
          .prepare<(string | number)[], { id: string; over: number }>(
            `SELECT a.id, d.state IN (${sqlList(finalStates)}) AS over
             FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
             WHERE a.id < ? ${p.after === undefined ? '' : 'AND a.id > ?'}
             ORDER BY a.id LIMIT ?`,
          )
          .all(
            idFloor('att', p.before),
            ...(p.after === undefined ? [] : [p.after]),
            p.limit * scanFactor,
          );
        const gone = scanned.filter((r) => r.over).slice(0, p.limit);
        const deleted = this.db
          .prepare<[string]>('DELETE FROM attempts WHERE id IN (SELECT value FROM json_each(?))')
          .run(JSON.stringify(gone.map((r) => r.id))).changes;
        const full = scanned.length === p.limit * scanFactor || gone.length === p.limit;
        const last = gone.length === p.limit ? gone.at(-1) : scanned.at(-1);
        return { deleted, next: full && last ? last.id : null };
      })
      .immediate();
  }

  /** Deletes dedupe keys whose window closed, in expiry order. */
  dedupeKeys(now: number, limit: number): number {
    return this.db
      .prepare<[number, number, number]>(
        `DELETE FROM event_dedupe WHERE expires_at <= ? AND (source, dedupe_key) IN (
           SELECT source, dedupe_key FROM event_dedupe WHERE expires_at <= ?
           ORDER BY expires_at LIMIT ?)`,
      )
      .run(now, now, limit).changes;
  }
}
