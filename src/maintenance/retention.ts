import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../store/store.ts';
import { BackgroundLoop } from './background-loop.ts';

/** What a retention pass deleted. */
export interface Pruned {
  readonly events: number;
  readonly deliveries: number;
  readonly attempts: number;
  /** Discarded dead letters (deliveries) deleted. */
  readonly deadLetters: number;
  readonly dedupeKeys: number;
}

export interface RetentionStatus {
  readonly enabled: boolean;
  /** The last pass: when it started, how long it took, what it deleted (null before the first). */
  readonly lastPass: {
    readonly at: number;
    readonly durationMs: number;
    readonly pruned: Pruned;
    readonly error: string | null;
  } | null;
  /** Deleted since the process started. */
  readonly totals: Pruned;
}

const none: Pruned = { events: 0, deliveries: 0, attempts: 0, deadLetters: 0, dedupeKeys: 0 };
const add = (a: Pruned, b: Partial<Pruned>): Pruned => ({
  events: a.events + (b.events ?? 0),
  deliveries: a.deliveries + (b.deliveries ?? 0),
  attempts: a.attempts + (b.attempts ?? 0),
  deadLetters: a.deadLetters + (b.deadLetters ?? 0),
  dedupeKeys: a.dedupeKeys + (b.dedupeKeys ?? 0),
});

/** Steps of one kind a pass takes at most, so a pass always ends (the next goes on). */
const maxSteps = 1000;

/**
 * Retention: every `retention.interval`, one pass deletes what is over and older than the
 * configured ages, in steps of `retention.batch` rows, each its own short transaction, yielding
 * to other work between steps. Never an event with a delivery owed, a dead letter not discarded
 * or a quarantine, or an open dedupe window. Emits `pass` (RetentionStatus['lastPass']) after
 * each pass; `status()` is what /health shows and what metrics read.
 */
export class Retention extends EventEmitter<{ pass: [NonNullable<RetentionStatus['lastPass']>] }> {
  private readonly loop: BackgroundLoop;
  private lastPass: RetentionStatus['lastPass'] = null;
  private totals: Pruned = none;
  private nextAt = 0;

  constructor(
    private readonly deps: {
      config: Pick<Config, 'retention'>;
      store: Store;
      clock: Clock;
      logger: Logger;
    },
  ) {
    super();
    this.loop = new BackgroundLoop(() => this.tick(), {
      idleMs: () => deps.config.retention.interval,
      onError: (err) => deps.logger.warn({ err }, 'retention pass failed; will try again'),
    });
  }

  start(): void {
    if (this.deps.config.retention.enabled) this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  status(): RetentionStatus {
    return {
      enabled: this.deps.config.retention.enabled,
      lastPass: this.lastPass,
      totals: this.totals,
    };
  }

  private async tick(): Promise<'idle'> {
    // The wait is the loop's; a pass runs at most once per interval even when woken.
    if (Date.now() >= this.nextAt) {
      this.nextAt = Date.now() + this.deps.config.retention.interval;
      await this.runOnce();
    }
    return 'idle';
  }

  /** One pass now (also what the loop runs). */
  async runOnce(): Promise<Pruned> {
    const { store, clock, config, logger } = this.deps;
    const { events, attempts, deadLetters, batch } = config.retention;
    const at = clock.now();
    const started = performance.now();
    let pruned = none;
    let error: string | null = null;
    try {
      let swept = 0;
      for (let i = 0; i < maxSteps && !this.loop.stopped; i++) {
        const n = await store.dedupeKeySweep({ now: at, limit: batch });
        swept += n;
        if (n < batch) break;
        await yieldTurn();
      }
      pruned = add(pruned, { dedupeKeys: swept });
      let purged = { deliveries: 0, attempts: 0 };
      for (let i = 0; i < maxSteps && !this.loop.stopped; i++) {
        const r = await store.deadLetterPurge({ discardedBefore: at - deadLetters, limit: batch });
        purged = {
          deliveries: purged.deliveries + r.deliveries,
          attempts: purged.attempts + r.attempts,
        };
        if (r.deliveries < batch) break;
        await yieldTurn();
      }
      pruned = add(pruned, { deadLetters: purged.deliveries, attempts: purged.attempts });
      let after: string | undefined;
      for (let i = 0; i < maxSteps && !this.loop.stopped; i++) {
        const r = await store.eventPrune({
          receivedBefore: at - events,
          now: at,
          limit: batch,
          after,
        });
        pruned = add(pruned, r);
        if (r.next === null) break;
        after = r.next;
        await yieldTurn();
      }
      let attemptsAfter: string | undefined;
      for (let i = 0; i < maxSteps && !this.loop.stopped; i++) {
        const r = await store.attemptPrune({
          before: at - attempts,
          limit: batch,
          after: attemptsAfter,
        });
        pruned = add(pruned, { attempts: r.deleted });
        if (r.next === null) break;
        attemptsAfter = r.next;
        await yieldTurn();
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      logger.warn({ err }, 'retention pass failed; the next pass goes on');
    }
    const pass = { at, durationMs: Math.round(performance.now() - started), pruned, error };
    this.lastPass = pass;
    this.totals = add(this.totals, pruned);
    if (pruned.events + pruned.attempts + pruned.deadLetters + pruned.dedupeKeys > 0)
      logger.info({ pruned, durationMs: pass.durationMs }, 'retention pass');
    this.emit('pass', pass);
    return pruned;
  }
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
