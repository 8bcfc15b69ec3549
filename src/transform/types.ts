import type { SourceConfig } from '../config/schema.ts';
import type { StoredEvent } from '../store/store.ts';

/** Metadata name → dotted paths into the destination's JSON answer, the first found wins. */
export type Capture = Readonly<Record<string, readonly string[]>>;

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
      /**
       * Fields of the destination's answer to keep in the delivery's metadata, by name → paths
       * tried in order (the order transforms keep the backend's `orderId` as `internalOrderId`).
       */
      readonly capture?: Capture;
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

/**
 * A transform Hookgate ships, named in `routes[].transform`: a feature folder declares its own
 * (src/orders/transforms.ts) and src/transform/builtins.ts lists the folders.
 */
export interface BuiltinTransform {
  readonly name: string;
  create(source: SourceConfig | undefined): Transform;
}
