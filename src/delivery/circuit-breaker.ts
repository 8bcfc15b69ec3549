/**
 * One destination's circuit breaker. CLOSED until N consecutive failures, or a failure ratio over
 * a sliding window (with a minimum of requests), opens it; OPEN holds the destination's
 * deliveries without spending their attempts; after the reset timeout one HALF_OPEN probe is
 * let through, and its result closes or re-opens the breaker. Only failures that say something
 * about the destination (timeouts, connection errors, 5xx, 429) count; a 400 is the payload's.
 */
import type { BreakerState } from '../domain/outcome.ts';

export type { BreakerState } from '../domain/outcome.ts';

export interface BreakerOptions {
  readonly failureThreshold: number;
  readonly resetTimeout: number;
  readonly failureRatio: number;
  readonly window: number;
  readonly minimumRequests: number;
}

export interface BreakerSnapshot {
  readonly destination: string;
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  readonly windowRequests: number;
  readonly windowFailures: number;
  readonly openedAt: number | null;
  readonly reopensAt: number | null;
}

export type TransitionListener = (
  destination: string,
  from: BreakerState,
  to: BreakerState,
  why: string,
) => void;

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt: number | null = null;
  private probeInFlight = false;
  /** Outcomes in the window: [time, failed]. */
  private outcomes: [number, boolean][] = [];

  constructor(
    readonly destination: string,
    private readonly options: BreakerOptions,
    private readonly onTransition: TransitionListener,
  ) {}

  /** How many attempts may start now: unlimited when closed, one probe when it is time, else none. */
  allowance(now: number): number {
    if (this.state === 'closed') return Infinity;
    if (
      this.state === 'open' &&
      this.openedAt !== null &&
      now >= this.openedAt + this.options.resetTimeout
    ) {
      this.move('half_open', 'reset timeout elapsed');
    }
    return this.state === 'half_open' && !this.probeInFlight ? 1 : 0;
  }

  /** An attempt starts (called for each one allowed). */
  onStart(): void {
    if (this.state === 'half_open') this.probeInFlight = true;
  }

  onResult(now: number, destinationFailure: boolean): void {
    if (this.state === 'half_open') {
      this.probeInFlight = false;
      if (destinationFailure) this.open(now, 'probe failed');
      else {
        this.clear();
        this.move('closed', 'probe succeeded');
      }
      return;
    }
    this.outcomes.push([now, destinationFailure]);
    this.trim(now);
    this.consecutive = destinationFailure ? this.consecutive + 1 : 0;
    if (this.state !== 'closed' || !destinationFailure) return;
    const failures = this.outcomes.filter(([, failed]) => failed).length;
    if (this.consecutive >= this.options.failureThreshold) {
      this.open(now, `${this.consecutive} consecutive failures`);
    } else if (
      this.outcomes.length >= this.options.minimumRequests &&
      failures / this.outcomes.length >= this.options.failureRatio
    ) {
      this.open(now, `${failures}/${this.outcomes.length} failed in the window`);
    }
  }

  /** Operator reset: closed, counters cleared. */
  reset(): void {
    this.clear();
    this.move('closed', 'reset by operator');
  }

  private clear(): void {
    this.consecutive = 0;
    this.outcomes = [];
    this.openedAt = null;
    this.probeInFlight = false;
  }

  snapshot(now: number): BreakerSnapshot {
    this.trim(now);
    return {
      destination: this.destination,
      state: this.state,
      consecutiveFailures: this.consecutive,
      windowRequests: this.outcomes.length,
      windowFailures: this.outcomes.filter(([, failed]) => failed).length,
      openedAt: this.openedAt,
      reopensAt: this.openedAt === null ? null : this.openedAt + this.options.resetTimeout,
    };
  }

  private open(now: number, why: string): void {
    this.openedAt = now;
    this.move('open', why);
  }

  private move(to: BreakerState, why: string): void {
    const from = this.state;
    this.state = to;
    if (from !== to) this.onTransition(this.destination, from, to, why);
  }

  private trim(now: number): void {
    const from = now - this.options.window;
    let i = 0;
    while (i < this.outcomes.length && (this.outcomes[i]?.[0] ?? 0) < from) i++;
    if (i > 0) this.outcomes = this.outcomes.slice(i);
  }
}
