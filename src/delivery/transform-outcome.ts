import type { AttemptRecordParams, StoredEvent } from '../store/store.ts';
import type { Transform, TransformResult } from '../transform/types.ts';

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
export function unsentOutcome(
  shaped: Exclude<TransformResult, { kind: 'send' } | { kind: 'pass' }>,
): Omit<AttemptRecordParams['outcome'], 'nextAttemptAt'> {
  const none = { internalOrderId: null, reasons: null, deadReason: null };
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

/** The backend's id for the order it created: `orderId` in its JSON answer (or `data.orderId`). */
export function orderIdFrom(responseBody: string | null): string | null {
  if (!responseBody) return null;
  try {
    const json = JSON.parse(responseBody) as { orderId?: unknown; data?: { orderId?: unknown } };
    const id = json.orderId ?? json.data?.orderId;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}
