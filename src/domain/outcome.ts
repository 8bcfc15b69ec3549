/**
 * What an attempt's verdict means for its delivery: a pure function, so every rule is tested
 * without a network (test/unit/delivery/outcome.test.ts, property-based). Each destination type
 * turns what its client saw into a Verdict (src/destinations/<type>/); the rules below are the
 * same for all of them.
 */

/** Why an attempt failed, in words every destination type shares. */
export type ErrorClass =
  /** The destination refused this payload (HTTP 400/422, a broker's "message too large"). */
  | 'validation'
  /** The destination is unwell or unreachable right now: retried, counted by the breaker. */
  | 'temporary'
  /** Our configuration cannot work (404, 401, no JetStream stream, an unknown exchange). */
  | 'configuration'
  /**
   * Our own client refused the request before anything was sent (an invalid header a transform
   * produced): not the destination's fault, so never counted by its breaker, and not retried.
   */
  | 'client'
  /** The route's transform failed. */
  | 'transform'
  | 'unknown';

/** A destination's circuit breaker (src/delivery/circuit-breaker.ts). */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Why a delivery is dead. */
export type DeadReason = 'permanent' | 'gone' | 'exhausted' | 'configuration' | 'transform';

/** What one send to a destination came to, as its type classified it. */
export type Verdict =
  | {
      readonly kind: 'delivered';
      /** HTTP status; null for brokers. */
      readonly status: number | null;
      /** The first KiB of the answer (HTTP), or what the broker said (a stream sequence). */
      readonly response: string | null;
    }
  | {
      readonly kind: 'failed';
      readonly errorClass: ErrorClass;
      readonly error: string;
      readonly status: number | null;
      readonly response: string | null;
      /** The destination's Retry-After, if it sent one. */
      readonly retryAfter?: string | undefined;
      /** The destination says it no longer exists (HTTP 410): dead, and it is paused. */
      readonly gone?: boolean;
    };

export interface RetryPolicy {
  /** Wait before retry n (ms); the last step repeats. */
  readonly schedule: readonly number[];
  readonly maxAttempts: number;
  /** ± fraction applied to a schedule step. */
  readonly jitter: number;
  /** 4xx statuses this destination wants retried (by default a 4xx is permanent). */
  readonly retryableStatuses: readonly number[];
}

export type Decision =
  | { readonly state: 'delivered' }
  | {
      readonly state: 'retry';
      readonly nextAttemptAt: number;
      readonly errorClass: ErrorClass;
      readonly error: string;
    }
  | {
      readonly state: 'dead';
      readonly reason: Extract<DeadReason, 'permanent' | 'gone' | 'exhausted'>;
      readonly errorClass: ErrorClass;
      readonly error: string;
      /** 410 Gone: the receiver says the endpoint no longer exists (Standard Webhooks). */
      readonly pauseDestination: boolean;
    };

const maxRetryAfterExtraMs = 2 * 60 * 60 * 1000;

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  const step = policy.schedule[Math.min(attempt - 1, policy.schedule.length - 1)] ?? 60_000;
  // The receiver's Retry-After is honoured, but never shorter than our step nor over 2 h longer.
  if (retryAfterMs !== undefined)
    return Math.min(Math.max(retryAfterMs, step), step + maxRetryAfterExtraMs);
  return Math.round(step * (1 + policy.jitter * (2 * random() - 1)));
}

/** Whether a verdict says the destination is unwell (counted by its breaker). */
export function countsAgainstDestination(verdict: Verdict): boolean {
  return verdict.kind === 'failed' && verdict.errorClass === 'temporary';
}

/**
 * @param attempt the number of this attempt in the retry budget, 1 for the first.
 * @param random a source in [0, 1) for jitter (injected so tests are deterministic).
 */
export function decideOutcome(params: {
  readonly verdict: Verdict;
  readonly attempt: number;
  readonly policy: RetryPolicy;
  readonly now: number;
  readonly random: () => number;
}): Decision {
  const { verdict, attempt, policy, now, random } = params;
  if (verdict.kind === 'delivered') return { state: 'delivered' };
  const { errorClass, error } = verdict;
  if (verdict.gone)
    return { state: 'dead', reason: 'gone', errorClass, error, pauseDestination: true };
  const retryable =
    errorClass === 'temporary' ||
    (verdict.status !== null && policy.retryableStatuses.includes(verdict.status));
  if (!retryable)
    return { state: 'dead', reason: 'permanent', errorClass, error, pauseDestination: false };
  if (attempt >= policy.maxAttempts)
    return { state: 'dead', reason: 'exhausted', errorClass, error, pauseDestination: false };
  return {
    state: 'retry',
    nextAttemptAt:
      now + retryDelay(policy, attempt, parseRetryAfter(verdict.retryAfter, now), random),
    errorClass,
    error,
  };
}

/** Why an adaptive destination's concurrency changed (a closed set: it labels a metric). */
export type AdaptReason = 'start' | '429' | '503' | 'latency' | 'healthy' | 'retry-after';
