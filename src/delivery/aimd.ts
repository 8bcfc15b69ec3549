/**
 * Additive increase, multiplicative decrease (as TCP does) of one destination's concurrency: a
 * pure state machine fed with each attempt's result and an injected time, so its steps are
 * property-tested without a network (test/unit/delivery/aimd.test.ts). A small hand-written
 * class: the libraries that limit concurrency adaptively (Netflix's concurrency-limits, and its
 * JavaScript ports) own the queue of calls; here the dispatcher owns the slots and only needs
 * the number.
 */

export interface AimdBounds {
  readonly min: number;
  readonly max: number;
  /** A decrease multiplies the limit by this (0 < decrease < 1). */
  readonly decrease: number;
  /** Latency this many times the baseline is overload. */
  readonly latencyFactor: number;
  /** The longest pause a Retry-After imposes. */
  readonly maxPauseMs: number;
}

export type { AdaptReason } from '../domain/outcome.ts';
import type { AdaptReason } from '../domain/outcome.ts';

/** A change of the concurrency (or a pause), as the admin API and listeners see it. */
export interface AimdChange {
  readonly at: number;
  readonly from: number;
  readonly to: number;
  readonly reason: AdaptReason;
  /** Until when sending is paused (a Retry-After), or null. */
  readonly pausedUntil: number | null;
}

/** Taken when an attempt starts: which limit it was sent under, and whether that was full. */
export interface AimdTicket {
  readonly seq: number;
  /**
   * The limit held the destination back when the attempt started (every slot taken, or more
   * claimed and waiting): only then does its success say "more would work" (RFC 7661's rule for
   * TCP: a window that is not used is not raised).
   */
  readonly saturated: boolean;
}

export interface AimdResult {
  readonly now: number;
  /** `overload`: 429 or 503; `ok`: delivered; `other`: any other failure (timeouts count by latency). */
  readonly kind: 'ok' | 'overload' | 'other';
  readonly status: number | null;
  readonly latencyMs: number;
  /** The answer's Retry-After, in ms. */
  readonly retryAfterMs?: number | undefined;
}

/** Latency must also rise by this much over the baseline: loopback jitter is not overload. */
export const minLatencyRiseMs = 50;
/** Results seen before latency can count as overload (the baseline needs them). */
export const latencyWarmup = 10;
/** EWMA weights of the recent latency and of the slower baseline. */
const fastWeight = 0.25;
const baselineWeight = 0.02;

export class Aimd {
  private limitValue: number;
  private started = 0;
  /** Attempts started before the last decrease (seq below this) cannot cause another. */
  private decreasedBefore = 0;
  private fast: number | undefined;
  private baseline: number | undefined;
  private samples = 0;
  private pausedUntilValue = 0;
  private lastChange: AimdChange;

  constructor(
    readonly bounds: AimdBounds,
    now: number,
  ) {
    this.limitValue = bounds.max;
    this.lastChange = {
      at: now,
      from: bounds.max,
      to: bounds.max,
      reason: 'start',
      pausedUntil: null,
    };
  }

  /** Attempts allowed in flight now. */
  get concurrency(): number {
    return Math.floor(this.limitValue);
  }

  /** The share of a rate limit allowed now: the concurrency's share of its maximum. */
  get rateFactor(): number {
    return this.limitValue / this.bounds.max;
  }

  get last(): AimdChange {
    return this.lastChange;
  }

  /** Ms until sending may resume after a Retry-After; 0 when not paused. */
  pausedFor(now: number): number {
    return Math.max(0, this.pausedUntilValue - now);
  }

  /** An attempt starts with `inFlight` attempts in flight (itself included); `waiting`: more are. */
  begin(inFlight: number, waiting: boolean): AimdTicket {
    this.started += 1;
    return { seq: this.started, saturated: waiting || inFlight >= this.concurrency };
  }

  /** What the attempt came to; the change it caused, if any. */
  onResult(ticket: AimdTicket, r: AimdResult): AimdChange | undefined {
    const paused = this.pause(r);
    if (r.kind !== 'overload') this.observeLatency(r.latencyMs);
    const slow = this.isSlow();
    // Only the first sign of overload from attempts sent under the current limit counts: the
    // others in flight were sent under the old one (TCP halves once per round trip).
    if ((r.kind === 'overload' || slow) && ticket.seq > this.decreasedBefore) {
      this.decreasedBefore = this.started;
      const reason = r.kind === 'overload' ? (r.status === 429 ? '429' : '503') : 'latency';
      return this.set(
        Math.max(this.bounds.min, this.limitValue * this.bounds.decrease),
        reason,
        r.now,
      );
    }
    if (r.kind === 'ok' && !slow && ticket.saturated && this.limitValue < this.bounds.max) {
      // One more slot per round of `limit` healthy results.
      return this.set(
        Math.min(this.bounds.max, this.limitValue + 1 / this.limitValue),
        'healthy',
        r.now,
      );
    }
    return paused;
  }

  private pause(r: AimdResult): AimdChange | undefined {
    if (r.kind !== 'overload' || r.retryAfterMs === undefined || r.retryAfterMs <= 0) return;
    const until = r.now + Math.min(r.retryAfterMs, this.bounds.maxPauseMs);
    if (until <= this.pausedUntilValue) return;
    this.pausedUntilValue = until;
    const limit = this.concurrency;
    this.lastChange = {
      at: r.now,
      from: limit,
      to: limit,
      reason: 'retry-after',
      pausedUntil: until,
    };
    return this.lastChange;
  }

  private observeLatency(ms: number): void {
    this.samples += 1;
    this.fast = this.fast === undefined ? ms : this.fast + fastWeight * (ms - this.fast);
    this.baseline =
      this.baseline === undefined ? ms : this.baseline + baselineWeight * (ms - this.baseline);
  }

  private isSlow(): boolean {
    if (this.samples < latencyWarmup || this.fast === undefined || this.baseline === undefined)
      return false;
    return (
      this.fast > this.baseline * this.bounds.latencyFactor &&
      this.fast - this.baseline >= minLatencyRiseMs
    );
  }

  /** Recent latency and its baseline (ms), for the admin API. */
  latency(): { recentMs: number | null; baselineMs: number | null } {
    const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
    return { recentMs: round(this.fast), baselineMs: round(this.baseline) };
  }

  private set(value: number, reason: AdaptReason, now: number): AimdChange | undefined {
    const from = this.concurrency;
    this.limitValue = value;
    const to = this.concurrency;
    if (to === from) return undefined;
    this.lastChange = {
      at: now,
      from,
      to,
      reason,
      pausedUntil: this.pausedUntilValue > now ? this.pausedUntilValue : null,
    };
    return this.lastChange;
  }
}
