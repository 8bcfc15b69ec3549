import type { StoredEvent } from '../store/store.ts';

/**
 * A route's transform: what the destination gets instead of the event's raw body. Runs at
 * delivery time, so a fixed transform can be replayed over stored events.
 */
export type TransformResult =
  /** Send this body (and these headers on top of the destination's). */
  | {
      readonly kind: 'send';
      readonly body: string;
      readonly headers: Readonly<Record<string, string>>;
      /** Read the backend's `orderId` from its answer (order transforms). */
      readonly captureOrderId: boolean;
    }
  /** Send the event as received (it passed the source's schema; no transform). */
  | { readonly kind: 'pass' }
  /** Nothing for this destination (a module returned null). */
  | { readonly kind: 'skip' }
  /** The event is invalid: keep it, never send it, show why; releasable once fixed. */
  | { readonly kind: 'quarantine'; readonly reasons: readonly string[] }
  /** Our configuration cannot handle it (an unknown branch): not retried, reported. */
  | { readonly kind: 'configuration'; readonly reasons: readonly string[] }
  /** The transform threw or ran out of time: recorded, not retried blindly. */
  | { readonly kind: 'failed'; readonly error: string };

export interface Transform {
  readonly name: string;
  run(event: StoredEvent, now: number): TransformResult;
}
