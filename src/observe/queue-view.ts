import type { Clock } from '../domain/clock.ts';
import type { QueueStats, Store } from '../store/store.ts';

/** Each state's count stops here: a backlog of millions costs no more than this to count. */
export const queueCountLimit = 100_000;

/**
 * A value read from the store, reused for `ttlMs` of real (monotonic) time, whatever clock the
 * gateway runs on; concurrent readers share one query.
 */
class Cached<T> {
  private value: { at: number; promise: Promise<T> } | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly read: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    const now = performance.now();
    if (this.value === undefined || now - this.value.at >= this.ttlMs) {
      const promise = this.read();
      this.value = { at: now, promise };
      // A failure is not kept: the next reader asks again.
      promise.catch(() => {
        if (this.value?.promise === promise) this.value = undefined;
      });
    }
    return this.value.promise;
  }
}

/**
 * The queue as scrapes and monitoring routes read it: depth by destination and state, the oldest
 * due delivery and dead letters of the last hour, from the store, cached for a short while so that
 * several scrapers and dashboards cost one query.
 */
export class QueueView {
  private readonly stats: Cached<QueueStats>;
  private readonly paused: Cached<readonly string[]>;
  private readonly deadLastHour: Cached<number>;

  constructor(
    store: Store,
    destinations: readonly string[],
    private readonly clock: Clock,
    ttlMs: number,
  ) {
    this.stats = new Cached(ttlMs, () =>
      store.deliveryQueueStats({ destinations, limit: queueCountLimit }),
    );
    this.paused = new Cached(ttlMs, () => store.destinationPausedList());
    this.deadLastHour = new Cached(ttlMs, () =>
      store.deliveryDeadSince({ since: this.clock.now() - 3_600_000, limit: queueCountLimit }),
    );
  }

  queue(): Promise<QueueStats> {
    return this.stats.get();
  }

  pausedDestinations(): Promise<readonly string[]> {
    return this.paused.get();
  }

  deadInLastHour(): Promise<number> {
    return this.deadLastHour.get();
  }

  /** Seconds the oldest due delivery of each destination has waited (0: none is due). */
  async lagSeconds(): Promise<Record<string, number>> {
    const { oldestDueAt } = await this.queue();
    const now = this.clock.now();
    const out: Record<string, number> = {};
    for (const [destination, at] of Object.entries(oldestDueAt))
      out[destination] = at === null ? 0 : Math.max(0, (now - at) / 1000);
    return out;
  }
}
