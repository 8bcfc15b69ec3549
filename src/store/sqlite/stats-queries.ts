import type Database from 'better-sqlite3';
import { sqlStates } from '../../domain/delivery-state.ts';
import { queueStates, type DedupeSourceStats, type QueueState, type QueueStats } from '../store.ts';

/**
 * What monitoring reads from SQLite: small indexed statements, each bounded, since they run on
 * the event loop (better-sqlite3 is synchronous) between webhooks.
 */
export class StatsQueries {
  private readonly countIn;
  private readonly oldestDue;
  private readonly deadSince;
  private readonly dedupe;

  constructor(db: Database.Database) {
    // deliveries_state (state, destination): a bounded walk of one index range.
    this.countIn = db.prepare<[string, string, number], { n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM deliveries WHERE state = ? AND destination = ? LIMIT ?)',
    );
    // deliveries_due_by_destination (destination, next_attempt_at, id) WHERE state IN (claim):
    // min() on an equality prefix is one seek.
    this.oldestDue = db.prepare<[string], { at: number | null }>(
      `SELECT min(next_attempt_at) AS at FROM deliveries
       WHERE destination = ? AND state IN (${sqlStates('claim')})`,
    );
    this.deadSince = db.prepare<[number, number], { n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM deliveries WHERE state = 'dead' AND updated_at >= ? LIMIT ?)`,
    );
    this.dedupe = db.prepare<
      [number, number, number, number],
      { source: string; held: number; soon: number; expired: number }
    >(
      `SELECT source, sum(expires_at > ?) AS held, sum(expires_at > ? AND expires_at <= ?) AS soon,
         sum(expires_at <= ?) AS expired
       FROM event_dedupe GROUP BY source`,
    );
  }

  queueStats(destinations: readonly string[], limit: number): QueueStats {
    const depth: Record<string, Record<QueueState, number>> = {};
    const oldestDueAt: Record<string, number | null> = {};
    for (const destination of destinations) {
      const counts = {} as Record<QueueState, number>;
      for (const state of queueStates)
        counts[state] = this.countIn.get(state, destination, limit)?.n ?? 0;
      depth[destination] = counts;
      oldestDueAt[destination] = this.oldestDue.get(destination)?.at ?? null;
    }
    return { depth, oldestDueAt };
  }

  deadCount(since: number, limit: number): number {
    return this.deadSince.get(since, limit)?.n ?? 0;
  }

  dedupeStats(now: number, soonMs: number): Record<string, DedupeSourceStats> {
    const out: Record<string, DedupeSourceStats> = {};
    for (const r of this.dedupe.all(now, now, now + soonMs, now))
      out[r.source] = { held: r.held, expiringSoon: r.soon, expired: r.expired };
    return out;
  }
}
