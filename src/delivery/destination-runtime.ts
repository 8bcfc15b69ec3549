import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { DestinationConfig } from '../config/schema.ts';
import { CircuitBreaker, type TransitionListener } from './circuit-breaker.ts';
import type { Decision, ErrorClass } from './outcome.ts';

/**
 * One destination's live limits: attempts in flight (concurrency cap), its rate limit
 * (rate-limiter-flexible, in memory; shared through Redis in the scale-out release) and breaker.
 */
export class DestinationRuntime {
  inFlight = 0;
  /** Attempts by outcome and failed attempts by error class, since start (admin API). */
  readonly counts = {
    attempts: 0,
    delivered: 0,
    retry: 0,
    dead: 0,
    errorClass: { validation: 0, temporary: 0, configuration: 0, unknown: 0 } as Record<
      ErrorClass,
      number
    >,
  };
  readonly breaker: CircuitBreaker | undefined;
  private readonly limiter: RateLimiterMemory | undefined;

  constructor(
    readonly config: DestinationConfig,
    onTransition: TransitionListener,
  ) {
    const cb = config.circuitBreaker;
    this.breaker = cb.enabled ? new CircuitBreaker(config.name, cb, onTransition) : undefined;
    this.limiter =
      config.rateLimit &&
      new RateLimiterMemory({
        keyPrefix: `dst:${config.name}`,
        points: config.rateLimit.points,
        duration: config.rateLimit.duration,
      });
  }

  /** How many attempts may start now, at most `wanted`; and when to look again if none. */
  async capacity(now: number, wanted: number): Promise<{ slots: number; retryInMs?: number }> {
    let slots = wanted;
    if (this.config.concurrency !== undefined)
      slots = Math.min(slots, this.config.concurrency - this.inFlight);
    if (this.breaker) slots = Math.min(slots, this.breaker.allowance(now));
    if (slots <= 0 || this.limiter === undefined) return { slots: Math.max(0, slots) };
    const used = await this.limiter.get(this.config.name);
    const remaining =
      used === null ? this.limiter.points : Math.max(0, this.limiter.points - used.consumedPoints);
    if (remaining === 0) return { slots: 0, retryInMs: used?.msBeforeNext ?? 1000 };
    return { slots: Math.min(slots, remaining) };
  }

  count(decision: Decision): void {
    this.counts.attempts += 1;
    this.counts[decision.state] += 1;
    if (decision.state !== 'delivered') this.counts.errorClass[decision.errorClass] += 1;
  }

  /** Takes rate tokens for attempts that were claimed. */
  async take(count: number): Promise<void> {
    if (this.limiter && count > 0) await this.limiter.penalty(this.config.name, count);
  }
}
