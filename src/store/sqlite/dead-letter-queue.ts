import type Database from 'better-sqlite3';
import {
  actSql,
  listSql,
  purgeCandidatesSql,
  statsSql,
  tallyOrigin,
  tallyReview,
  toDeadLetter,
  type DeadLetterRow,
} from '../dead-letter-sql.ts';
import type {
  DeadLetter,
  DeadLetterAction,
  DeadLetterFilter,
  DeadLetterStats,
  FailureRate,
} from '../dead-letters.ts';
import type { PruneCount } from '../retention.ts';

const ph = () => '?';
type Args = (string | number | null)[];

/** The dead-letter queue on SQLite (dead deliveries and their review). */
export class DeadLetterQueue {
  private readonly statsQueries = { all: statsSql(ph), scoped: statsSql(ph, true) };

  constructor(private readonly db: Database.Database) {}

  private all<T>(sql: string, args: Args = []): T[] {
    return this.db.prepare<Args, T>(sql).all(...args);
  }

  list(filter: DeadLetterFilter, limit: number, before: string | undefined): DeadLetter[] {
    const { sql, args } = listSql(filter, limit, before, ph);
    return this.all<DeadLetterRow>(sql, args).map(toDeadLetter);
  }

  act(p: DeadLetterAction): number {
    const { sql, args } = actSql(p, ph);
    return this.db.prepare<Args>(sql).run(...args).changes;
  }

  /** Deletes discarded dead letters and their attempts, oldest discard first. */
  purge(discardedBefore: number | undefined, limit: number): PruneCount {
    return this.db
      .transaction(() => {
        const ids = this.all<{ id: string }>(purgeCandidatesSql(ph), [
          discardedBefore ?? Number.MAX_SAFE_INTEGER,
          limit,
        ]);
        const list = JSON.stringify(ids.map((r) => r.id));
        const run = (sql: string) => this.db.prepare<[string]>(sql).run(list).changes;
        const attempts = run(
          'DELETE FROM attempts WHERE delivery_id IN (SELECT value FROM json_each(?))',
        );
        const deliveries = run(
          'DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?))',
        );
        return { events: 0, deliveries, attempts };
      })
      .immediate();
  }

  stats(p: {
    since: number;
    attentionBefore: number;
    sample: number;
    tenant?: string | undefined;
  }): DeadLetterStats {
    const q = p.tenant === undefined ? this.statsQueries.all : this.statsQueries.scoped;
    // Scoped: the tenant is every statement's first parameter.
    const all = <T>(sql: string, args: Args = []) =>
      this.all<T>(sql, p.tenant === undefined ? args : [p.tenant, ...args]);
    const byReview = tallyReview(all(q.byReview));
    return {
      dead: byReview.failed + byReview.reviewing,
      byReview,
      ...tallyOrigin(all(q.byOrigin)),
      errors: all(q.errors, [p.sample]),
      ratesByDestination: all<FailureRate>(q.ratesByDestination, [p.since]),
      ratesBySource: all<FailureRate>(q.ratesBySource, [p.since]),
      attention: {
        count: all<{ n: number }>(q.attentionCount, [p.attentionBefore])[0]?.n ?? 0,
        oldest: all<DeadLetterRow>(q.attentionOldest, [p.attentionBefore]).map(toDeadLetter),
      },
    };
  }
}
