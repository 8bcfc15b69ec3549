import type Database from 'better-sqlite3';
import {
  actSql,
  keysToPromote,
  type ActedRow,
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
import { keyTurnPromoter } from './key-turn.ts';

const ph = () => '?';
type Args = (string | number | null)[];
/** The shared builders' parameters here: never an array (only PostgreSQL's `unnest` takes one). */
const scalars = (args: readonly unknown[]) => args as Args;

/** The dead-letter queue on SQLite (dead deliveries and their review). */
export class DeadLetterQueue {
  private readonly statsQueries = { all: statsSql(ph), scoped: statsSql(ph, true) };
  private readonly promote;

  constructor(private readonly db: Database.Database) {
    this.promote = keyTurnPromoter(db);
  }

  private all<T>(sql: string, args: Args = []): T[] {
    return this.db.prepare<Args, T>(sql).all(...args);
  }

  list(filter: DeadLetterFilter, limit: number, before: string | undefined): DeadLetter[] {
    const { sql, args } = listSql(filter, limit, before, ph);
    return this.all<DeadLetterRow>(sql, scalars(args)).map(toDeadLetter);
  }

  /** In one transaction: the action, then each key whose turn it freed goes on (actSql). */
  act(p: DeadLetterAction): number {
    return this.db
      .transaction(() => {
        const { sql, args } = actSql(p, ph);
        const rows = this.db.prepare<Args, ActedRow>(sql).all(...scalars(args));
        for (const k of keysToPromote(rows)) this.promote(k.destination, k.key, p.now);
        return rows.length;
      })
      .immediate();
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
