/**
 * What an attempt's result means for its delivery: a pure function, so every rule is tested
 * without a network (test/unit/delivery/outcome.test.ts, property-based).
 */
export type ErrorClass = 'validation' | 'temporary' | 'configuration' | 'unknown';

export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter?: string | undefined }
  | { readonly kind: 'network'; readonly error: string; readonly timeout: boolean };

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
      readonly reason: 'permanent' | 'gone' | 'exhausted';
      readonly errorClass: ErrorClass;
      readonly error: string;
      /** 410 Gone: the receiver says the endpoint no longer exists (Standard Webhooks). */
      readonly pauseDestination: boolean;
    };

const maxRetryAfterExtraMs = 2 * 60 * 60 * 1000;

export function classify(result: AttemptResult): ErrorClass {
  if (result.kind === 'network') return 'temporary';
  const s = result.status;
  if (s === 408 || s === 425 || s === 429 || s >= 500) return 'temporary';
  if (s === 400 || s === 409 || s === 413 || s === 415 || s === 422) return 'validation';
  if (s === 401 || s === 403 || s === 404 || s === 405 || s === 410 || (s >= 300 && s < 400))
    return 'configuration';
  return 'unknown';
}

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

function describe(result: AttemptResult): string {
  return result.kind === 'network'
    ? result.timeout
      ? `timeout: ${result.error}`
      : result.error
    : `HTTP ${result.status}`;
}

/**
 * @param attempt the number of this attempt, 1 for the first.
 * @param random a source in [0, 1) for jitter (injected so tests are deterministic).
 */
export function decideOutcome(params: {
  readonly result: AttemptResult;
  readonly attempt: number;
  readonly policy: RetryPolicy;
  readonly now: number;
  readonly random: () => number;
}): Decision {
  const { result, attempt, policy, now, random } = params;
  if (result.kind === 'response' && result.status >= 200 && result.status < 300)
    return { state: 'delivered' };
  const errorClass = classify(result);
  const error = describe(result);
  if (result.kind === 'response' && result.status === 410) {
    return { state: 'dead', reason: 'gone', errorClass, error, pauseDestination: true };
  }
  const retryable =
    errorClass === 'temporary' ||
    (result.kind === 'response' && policy.retryableStatuses.includes(result.status));
  if (!retryable)
    return { state: 'dead', reason: 'permanent', errorClass, error, pauseDestination: false };
  if (attempt >= policy.maxAttempts)
    return { state: 'dead', reason: 'exhausted', errorClass, error, pauseDestination: false };
  const retryAfter =
    result.kind === 'response' ? parseRetryAfter(result.retryAfter, now) : undefined;
  return {
    state: 'retry',
    nextAttemptAt: now + retryDelay(policy, attempt, retryAfter, random),
    errorClass,
    error,
  };
}
