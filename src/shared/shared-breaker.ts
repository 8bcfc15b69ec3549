import { randomUUID } from 'node:crypto';
import type { Breaker } from '../delivery/breaker.ts';
import type {
  BreakerOptions,
  BreakerSnapshot,
  BreakerState,
  CircuitBreaker,
  TransitionListener,
} from '../delivery/circuit-breaker.ts';
import { breakerCommands, type BreakerCommands } from './breaker-scripts.ts';
import type { RedisConnection } from './redis-connection.ts';

export interface SharedBreakerOptions extends BreakerOptions {
  /** How long a half-open probe may take before another instance may probe (its instance died). */
  readonly probeLeaseMs: number;
}

/** At most ~60 buckets per window, none shorter than 100 ms. */
function bucketMsFor(windowMs: number): number {
  return Math.max(100, Math.ceil(windowMs / 60));
}

/**
 * One destination's breaker, shared by every instance through Redis (src/shared/breaker-scripts.ts).
 * While Redis is away each call goes to this instance's own breaker, `local`, so deliveries are
 * still protected; when it is back the shared state is used again. Each instance logs the
 * transitions it causes.
 */
export class SharedBreaker implements Breaker {
  /** This instance's name as the holder of a probe lease. */
  private readonly token = randomUUID();
  private readonly commands: BreakerCommands;
  private readonly stateKey: string;
  private readonly windowKey: string;
  private readonly bucketMs: number;
  /** Which breaker answered the last allowance(): onStart() and claimed() follow it. */
  private answeredBy: 'shared' | 'local' = 'local';
  /** The last allowance() granted this instance the probe lease. */
  private probeGranted = false;

  constructor(
    readonly destination: string,
    private readonly options: SharedBreakerOptions,
    private readonly redis: RedisConnection,
    private readonly local: CircuitBreaker,
    private readonly onTransition: TransitionListener,
  ) {
    this.commands = breakerCommands(redis.client);
    // {…}: one hash slot for both keys, should the Redis ever be a cluster.
    this.stateKey = `breaker:{${destination}}`;
    this.windowKey = `breaker:{${destination}}:window`;
    this.bucketMs = bucketMsFor(options.window);
  }

  async allowance(now: number): Promise<number> {
    this.probeGranted = false;
    const answer = await this.shared(() =>
      this.commands.hgBreakerAllow(
        this.stateKey,
        now,
        this.options.resetTimeout,
        this.token,
        this.options.probeLeaseMs,
      ),
    );
    if (answer === undefined) {
      this.answeredBy = 'local';
      return this.local.allowance(now);
    }
    this.answeredBy = 'shared';
    const [allowance, from, to] = answer;
    this.moved(from, to, 'reset timeout elapsed');
    this.probeGranted = allowance === 1 && to === 'half_open';
    return allowance < 0 ? Infinity : allowance;
  }

  async claimed(count: number): Promise<void> {
    const unused = this.probeGranted && count === 0;
    this.probeGranted = false;
    // Nothing was due: let the next instance (or this one) probe without waiting for the lease.
    if (unused) await this.shared(() => this.commands.hgBreakerRelease(this.stateKey, this.token));
  }

  onStart(): void {
    // The shared probe was reserved by allowance(); the local one is marked here.
    if (this.answeredBy === 'local') this.local.onStart();
  }

  async onResult(now: number, destinationFailure: boolean): Promise<void> {
    const { failureThreshold, failureRatio, minimumRequests, window } = this.options;
    const answer = await this.shared(() =>
      this.commands.hgBreakerResult(
        this.stateKey,
        this.windowKey,
        now,
        destinationFailure ? 1 : 0,
        this.token,
        failureThreshold,
        failureRatio,
        minimumRequests,
        window,
        this.bucketMs,
      ),
    );
    if (answer === undefined) this.local.onResult(now, destinationFailure);
    else this.moved(...answer);
  }

  async snapshot(now: number): Promise<BreakerSnapshot> {
    const answer = await this.shared(() =>
      this.commands.hgBreakerSnapshot(
        this.stateKey,
        this.windowKey,
        now,
        this.options.window,
        this.bucketMs,
      ),
    );
    if (answer === undefined) return this.local.snapshot(now);
    const [state, consecutiveFailures, windowRequests, windowFailures, opened] = answer;
    const openedAt = opened < 0 ? null : opened;
    return {
      destination: this.destination,
      state,
      consecutiveFailures,
      windowRequests,
      windowFailures,
      openedAt,
      reopensAt: openedAt === null ? null : openedAt + this.options.resetTimeout,
    };
  }

  async reset(now: number): Promise<BreakerSnapshot> {
    // The local breaker too: it must not hold deliveries at the next Redis outage.
    this.local.reset();
    const from = await this.shared(() =>
      this.commands.hgBreakerReset(this.stateKey, this.windowKey),
    );
    if (from !== undefined) this.moved(from, 'closed', 'reset by operator');
    return this.snapshot(now);
  }

  /** Runs a script when Redis is connected; undefined (use local state) otherwise or on error. */
  private async shared<T>(run: () => Promise<T>): Promise<T | undefined> {
    if (this.redis.mode !== 'shared') return undefined;
    try {
      return await run();
    } catch {
      // A timeout or a lost connection: the connection logs the outage once, not per command.
      return undefined;
    }
  }

  private moved(from: BreakerState, to: BreakerState, why: string): void {
    if (from !== to) this.onTransition(this.destination, from, to, why);
  }
}
