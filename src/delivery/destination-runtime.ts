import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DestinationConfig } from '../config/schema.ts';
import type { ClaimedDelivery } from '../store/store.ts';
import type { RedisConnection } from '../shared/redis-connection.ts';
import { createRateLimiter } from '../shared/rate-limiter.ts';
import { SharedBreaker } from '../shared/shared-breaker.ts';
import { LocalBreaker, type Breaker } from './breaker.ts';
import { CircuitBreaker, type TransitionListener } from './circuit-breaker.ts';

/** An attempt may take the destination's timeout; this much more covers the rest of it. */
export const attemptMarginMs = 5_000;

export interface Capacity {
  readonly slots: number;
  /** Nothing free now, but a rate limit refills then (ms). */
  readonly retryInMs?: number;
  /** Neither a rate limit nor a breaker holds this destination back: claiming ahead is safe. */
  readonly unlimited?: boolean;
}

/**
 * One destination's live limits: attempts in flight (concurrency cap), its rate limit
 * (rate-limiter-flexible: in memory, or shared by all instances through Redis) and breaker.
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

  constructor(
    readonly config: DestinationConfig,
    onTransition: TransitionListener,
    redis?: RedisConnection,
  ) {
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
    let slots = wanted;
    if (this.config.concurrency !== undefined)
      slots = Math.min(slots, this.config.concurrency - this.inFlight);
    if (slots <= 0) return { slots: 0 };
    if (this.limiter !== undefined) {
      const used = await this.limiter.get(this.config.name);
      const remaining =
        used === null
          ? this.limiter.points
          : Math.max(0, this.limiter.points - used.consumedPoints);
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
