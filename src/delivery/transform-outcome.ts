import type { AttemptOutcome, StoredEvent } from '../store/store.ts';
import type { Transform, TransformResult } from '../transform/types.ts';

/** What a transform decided when it decided that nothing is sent. */
export type Unsent = Exclude<TransformResult, { kind: 'send' } | { kind: 'pass' }>;

/** Runs a route's transform; one that throws (a bug, not the operator's module) is a failure too. */
export function runTransform(
  transform: Transform | undefined,
  event: StoredEvent,
  now: number,
): TransformResult | undefined {
  if (transform === undefined) return undefined;
  try {
    return transform.run(event, now);
  } catch (err) {
    return {
      kind: 'failed',
      error: `transform ${transform.name} failed: ${(err as Error).message}`,
    };
  }
}

/** What is recorded when a transform decided that nothing is sent. */
export function unsentOutcome(shaped: Unsent, now: number): AttemptOutcome {
  const none = { metadata: null, reasons: null, deadReason: null, nextAttemptAt: now };
  switch (shaped.kind) {
    case 'skip':
      return { ...none, state: 'skipped', lastError: null, errorClass: null };
    case 'quarantine':
      return {
        ...none,
        state: 'quarantined',
        lastError: shaped.reasons.join('; '),
        errorClass: 'validation',
        reasons: shaped.reasons,
      };
    case 'configuration':
      return {
        ...none,
        state: 'dead',
        lastError: shaped.reasons.join('; '),
        errorClass: 'configuration',
        deadReason: 'configuration',
      };
    case 'failed':
      return {
        ...none,
        state: 'dead',
        lastError: shaped.error,
        errorClass: 'transform',
        deadReason: 'transform',
      };
  }
}
