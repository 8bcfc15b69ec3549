import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { BackgroundLoop } from './background-loop.ts';

/**
 * Events indexed per step (one transaction). Large: FTS5 spends about half the CPU per body on
 * batches of 2,000 as on batches of 200 (fewer, larger segments to merge; measured 7 vs 14 µs),
 * and on SQLite the step runs on the index's own thread, not the event loop.
 */
const batch = 2000;
/** While the event loop was busier than this over the last moment, indexing slows down. */
const busyShare = 0.8;
/** Webhooks stored per second above which indexing slows down (the database is busy with them). */
const busyRate = 300;
/** While busy, one step per this long: the index keeps moving, slowly, and catches up after. */
const busyPauseMs = 1000;

/**
 * Makes event bodies searchable (and request / provider event ids findable) after they are
 * stored, off the webhook's path: once a second it indexes what arrived since, in batches. While
 * the gateway is busy with webhooks (more than 300 stored a second, or the event loop more than
 * 80 % busy with other work) it takes one step a second only: under a burst the index falls
 * behind and catches up after. `q`, `requestId` and `providerEventId` see an event once it is
 * indexed, normally within a second or two of its arrival.
 */
export class SearchIndexer {
  private readonly loop: BackgroundLoop;
  private last = performance.eventLoopUtilization();
  /** Time spent indexing since the last step (not counted as other work). */
  private own = 0;
  /** Webhooks stored in the current and the previous second (see noteStored). */
  private stored = { second: 0, now: 0, before: 0 };
  /** Events indexed since start. */
  indexed = 0;

  constructor(private readonly deps: { store: Store; logger: Logger; idleMs?: number }) {
    this.loop = new BackgroundLoop(() => this.step(), {
      idleMs: () => deps.idleMs ?? 1000,
      onError: (err) => deps.logger.warn({ err }, 'search indexing failed; will try again'),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** `count` webhooks were just stored (the group commit says so). */
  noteStored(count: number, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    if (second !== this.stored.second)
      this.stored = {
        second,
        now: 0,
        before: second === this.stored.second + 1 ? this.stored.now : 0,
      };
    this.stored.now += count;
  }

  private busyStoring(now = Date.now()): boolean {
    const second = Math.floor(now / 1000);
    const recent =
      second === this.stored.second
        ? Math.max(this.stored.now, this.stored.before)
        : second === this.stored.second + 1
          ? this.stored.now
          : 0;
    return recent > busyRate;
  }

  /** Indexes everything stored so far, now (tests, and a store that just migrated). */
  async catchUp(): Promise<number> {
    let total = 0;
    for (let n = await this.index(); n > 0; n = await this.index()) total += n;
    return total;
  }

  private async index(): Promise<number> {
    const started = performance.now();
    const n = await this.deps.store.searchIndexCatchUp({ limit: batch });
    this.own += performance.now() - started;
    this.indexed += n;
    return n;
  }

  /** How busy the event loop was with other work (webhooks) since the last step. */
  private othersShare(): number {
    const now = performance.eventLoopUtilization();
    const { active, idle } = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    const share = Math.max(0, active - this.own) / Math.max(1, active + idle);
    this.own = 0;
    return share;
  }

  private async step(): Promise<'busy' | 'idle'> {
    const busy = this.othersShare() > busyShare || this.busyStoring();
    // The store may take fewer than asked per step (PostgreSQL: 200, its bodies come over here).
    const n = await this.index();
    if (n === 0) return 'idle';
    if (busy) await this.loop.pause(busyPauseMs);
    return 'busy';
  }
}
