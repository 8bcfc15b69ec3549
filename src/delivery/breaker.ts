import type { BreakerSnapshot, CircuitBreaker } from './circuit-breaker.ts';

/**
 * What the dispatcher and the admin API ask of a destination's breaker. Async because the
 * breaker may live in Redis (src/shared/shared-breaker.ts); without Redis it is the local engine.
 */
export interface Breaker {
  /** How many attempts may start now (Infinity when closed); may grant the half-open probe. */
  allowance(now: number): Promise<number>;
  /** After allowance(): `count` deliveries were claimed. A granted probe that is unused goes back. */
  claimed(count: number): Promise<void>;
  /** An attempt starts (called for each one allowed). */
  onStart(): void;
  onResult(now: number, destinationFailure: boolean): Promise<void>;
  snapshot(now: number): Promise<BreakerSnapshot>;
  /** Operator reset: closed, counters cleared; returns the new snapshot. */
  reset(now: number): Promise<BreakerSnapshot>;
}

/** This process's own breaker behind the async interface. */
export class LocalBreaker implements Breaker {
  constructor(private readonly engine: CircuitBreaker) {}

  async allowance(now: number): Promise<number> {
    return this.engine.allowance(now);
  }

  async claimed(): Promise<void> {
    // The local probe is marked by onStart(); nothing was reserved.
  }

  onStart(): void {
    this.engine.onStart();
  }

  async onResult(now: number, destinationFailure: boolean): Promise<void> {
    this.engine.onResult(now, destinationFailure);
  }

  async snapshot(now: number): Promise<BreakerSnapshot> {
    return this.engine.snapshot(now);
  }

  async reset(now: number): Promise<BreakerSnapshot> {
    this.engine.reset();
    return this.engine.snapshot(now);
  }
}
