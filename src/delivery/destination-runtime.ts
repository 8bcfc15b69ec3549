import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DestinationConfig } from '../config/schema.ts';
import type { ClaimedDelivery } from '../store/store.ts';
import type { RedisConnection } from '../shared/redis-connection.ts';
import { createRateLimiter } from '../shared/rate-limiter.ts';
import { SharedBreaker } from '../shared/shared-breaker.ts';
import { LocalBreaker, type Breaker } from './breaker.ts';
import { CircuitBreaker, type TransitionListener } from './circuit-breaker.ts';
import { parseRetryAfter, type Verdict } from '../domain/outcome.ts';
import { Aimd, type AimdChange, type AimdTicket } from './aimd.ts';

/** An attempt may take the destination's timeout; this much more covers the rest of it. */
export const attemptMarginMs = 5_000;

export interface Capacity {
  readonly slots: number;
  /** Nothing free now, but a rate limit refills then (ms). */
  readonly retryInMs?: number;
  /** Neither a rate limit nor a breaker holds this destination back: claiming ahead is safe. */
  readonly unlimited?: boolean;
}

/** What a destination's adaptive concurrency is now, and why (admin API). */
export interface AdaptiveView {
  readonly concurrency: number;
  readonly min: number;
  readonly max: number;
  /** The share of the rate limit allowed now (1 = all of it). */
  readonly rateFactor: number;
  /** Sending is paused until then by a Retry-After, or null. */
  readonly pausedUntil: number | null;
  readonly lastChange: AimdChange;
  readonly recentLatencyMs: number | null;
  readonly baselineLatencyMs: number | null;
}

/** Called at each change of a destination's adaptive concurrency (or a pause). */
export type AdaptiveListener = (destination: string, change: AimdChange) => void;

export interface DestinationRuntimeOptions {
  /** The instance's `delivery.concurrency`: an adaptive destination's default maximum. */
  readonly globalConcurrency?: number;
  /** When the runtime is built (the adaptive state's start). */
  readonly now?: number;
}

/**
 * One destination's live limits: attempts in flight (concurrency cap, adaptive when configured),
 * its rate limit (rate-limiter-flexible: in memory, or shared by all instances through Redis)
 * and breaker.
 */
export class DestinationRuntime {
  inFlight = 0;
  /** This process's own breaker: the whole story without Redis, the fallback with it. */
  readonly breaker: CircuitBreaker | undefined;
  /** The breaker the dispatcher and admin API use: shared through Redis when configured. */
  readonly circuit: Breaker | undefined;
  private readonly limiter: RateLimiterAbstract | undefined;
  /** Claimed ahead (leased to this instance), launched as slots free up without a round trip. */
  private readonly ready: { item: ClaimedDelivery; leaseUntil: number }[] = [];
  /** Body bytes of what is claimed ahead. */
  private heldBytes = 0;
  /** The adaptive concurrency (`adaptive:`), this instance's own. */
  private readonly aimd: Aimd | undefined;
  /** The last look at the rate limit found fewer tokens than slots. */
  private rateBound = false;
  private readonly adaptiveListeners = new Set<AdaptiveListener>();

  constructor(
    readonly config: DestinationConfig,
    onTransition: TransitionListener,
    redis?: RedisConnection,
    options: DestinationRuntimeOptions = {},
  ) {
    const adaptive = config.adaptive;
    if (adaptive) {
      const max = adaptive.maxConcurrency ?? config.concurrency ?? options.globalConcurrency ?? 50;
      this.aimd = new Aimd(
        {
          min: Math.min(adaptive.minConcurrency, max),
          max,
          decrease: adaptive.decrease,
          latencyFactor: adaptive.latencyFactor,
          maxPauseMs: adaptive.maxPause,
        },
        options.now ?? Date.now(),
      );
    }
    const cb = config.circuitBreaker;
    this.breaker = cb.enabled ? new CircuitBreaker(config.name, cb, onTransition) : undefined;
    this.circuit =
      this.breaker &&
      (redis
        ? new SharedBreaker(
            config.name,
            { ...cb, probeLeaseMs: config.timeoutMs + attemptMarginMs },
            redis,
            this.breaker,
            onTransition,
          )
        : new LocalBreaker(this.breaker));
    this.limiter =
      config.rateLimit &&
      createRateLimiter(
        {
          keyPrefix: `dst:${config.name}`,
          points: config.rateLimit.points,
          duration: config.rateLimit.duration,
        },
        redis,
      );
  }

  /** How many attempts may start now, at most `wanted`; and when to look again if none. */
  async capacity(now: number, wanted: number): Promise<Capacity> {
    const paused = this.aimd?.pausedFor(now) ?? 0;
    if (paused > 0) return { slots: 0, retryInMs: paused };
    let slots = wanted;
    const limit = this.concurrencyLimit;
    if (limit !== undefined) slots = Math.min(slots, limit - this.inFlight);
    if (slots <= 0) return { slots: 0 };
    if (this.limiter !== undefined) {
      const used = await this.limiter.get(this.config.name);
      // An adaptive destination is allowed its concurrency's share of the rate, at least 1.
      const points = this.aimd
        ? Math.max(1, Math.floor(this.limiter.points * this.aimd.rateFactor))
        : this.limiter.points;
      const remaining = used === null ? points : Math.max(0, points - used.consumedPoints);
      // The rate, not the concurrency, is what holds the destination back: its tokens are spent.
      this.rateBound = remaining < slots;
      if (remaining === 0) return { slots: 0, retryInMs: used?.msBeforeNext ?? 1000 };
      slots = Math.min(slots, remaining);
    }
    // The breaker last: a shared half-open probe is a lease, taken only when a slot is free.
    const allowance = this.circuit ? await this.circuit.allowance(now) : Infinity;
    slots = Math.min(slots, allowance);
    return {
      slots: Math.max(0, slots),
      unlimited: this.limiter === undefined && allowance === Infinity,
    };
  }

  /** Attempts allowed in flight now: the adaptive concurrency, else the configured one. */
  get concurrencyLimit(): number | undefined {
    return this.aimd?.concurrency ?? this.config.concurrency;
  }

  /** An attempt starts (after `inFlight` counts it): what the adaptive concurrency needs of it. */
  adaptStart(): AimdTicket | undefined {
    // More claimed and waiting, or the rate limit spent: the limits are what hold it back.
    return this.aimd?.begin(this.inFlight, this.ready.length > 0 || this.rateBound);
  }

  /** An attempt's answer: 429/503 and slow answers lower the concurrency, healthy ones raise it. */
  adaptResult(
    ticket: AimdTicket | undefined,
    now: number,
    verdict: Verdict,
    latencyMs: number,
  ): void {
    if (this.aimd === undefined || ticket === undefined) return;
    const overload =
      verdict.kind === 'failed' && (verdict.status === 429 || verdict.status === 503);
    const change = this.aimd.onResult(ticket, {
      now,
      kind: verdict.kind === 'delivered' ? 'ok' : overload ? 'overload' : 'other',
      status: verdict.status,
      latencyMs,
      retryAfterMs:
        verdict.kind === 'failed' ? parseRetryAfter(verdict.retryAfter, now) : undefined,
    });
    if (change) for (const listener of this.adaptiveListeners) listener(this.config.name, change);
  }

  /**
   * Subscribes to the adaptive concurrency's changes (the log does; a metric can): returns the
   * unsubscribe function.
   */
  onAdaptiveChange(listener: AdaptiveListener): () => void {
    this.adaptiveListeners.add(listener);
    return () => this.adaptiveListeners.delete(listener);
  }

  /** The adaptive concurrency now, or null when the destination is not adaptive. */
  adaptiveView(now: number): AdaptiveView | null {
    const aimd = this.aimd;
    if (aimd === undefined) return null;
    const paused = aimd.pausedFor(now);
    const latency = aimd.latency();
    return {
      concurrency: aimd.concurrency,
      min: aimd.bounds.min,
      max: aimd.bounds.max,
      rateFactor: Math.round(aimd.rateFactor * 1000) / 1000,
      pausedUntil: paused > 0 ? now + paused : null,
      lastChange: aimd.last,
      recentLatencyMs: latency.recentMs,
      baselineLatencyMs: latency.baselineMs,
    };
  }

  /** Claimed ahead and not launched yet. */
  get readyCount(): number {
    return this.ready.length;
  }

  get readyBytes(): number {
    return this.heldBytes;
  }

  keepReady(items: readonly ClaimedDelivery[], leaseUntil: number): void {
    for (const item of items) {
      this.ready.push({ item, leaseUntil });
      this.heldBytes += item.event.body.length;
    }
  }

  /**
   * Up to `count` deliveries claimed ahead. One whose lease would run out before an attempt
   * could finish is dropped: its lease expires and it is claimed again, never sent twice at once.
   */
  takeReady(count: number, now: number): ClaimedDelivery[] {
    const taken: ClaimedDelivery[] = [];
    while (taken.length < count && this.ready.length > 0) {
      const next = this.ready.shift() as { item: ClaimedDelivery; leaseUntil: number };
      this.heldBytes -= next.item.event.body.length;
      if (next.leaseUntil - now > this.config.timeoutMs + attemptMarginMs) taken.push(next.item);
    }
    return taken;
  }

  /** Forget what was claimed ahead (stopping: the store gives the leases back). */
  dropReady(): void {
    this.ready.length = 0;
    this.heldBytes = 0;
  }

  /** Takes rate tokens for attempts that were claimed (and gives back an unused probe). */
  async take(count: number): Promise<void> {
    await this.circuit?.claimed(count);
    if (this.limiter && count > 0) await this.limiter.penalty(this.config.name, count);
  }
}
