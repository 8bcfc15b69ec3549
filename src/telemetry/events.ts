/**
 * Telemetry as typed events: ingress and delivery say what happened, once, where it happens;
 * the logger, the metrics, the tracer and the monitoring views subscribe. No module reads another
 * one's counters. (graphile-worker's WorkerEventMap, Oban's telemetry.)
 *
 * `emit` costs one property read when nobody listens to that name (ingest is benchmarked), and
 * a listener that throws (or rejects) is reported and never reaches the emitter: a broken
 * subscriber cannot fail a webhook or an attempt.
 */
import type { AttemptReport } from './attempt-report.ts';
import type { AdaptReason, BreakerState } from '../domain/outcome.ts';
import type { DeliveryState } from '../domain/delivery-state.ts';
import type { ErrorCode } from '../domain/errors.ts';
import type { Verdict } from '../domain/outcome.ts';

/**
 * The W3C trace context that travels with an ingest or an attempt. The emitter creates it (with
 * the context it already has: a stored one, or none); the tracer, when there is one, replaces
 * `traceparent` with its span's, which the emitter then stores with the event or sends to the
 * destination. Without a tracer it stays as it was.
 */
export interface TraceCarrier {
  traceparent: string | null;
}

/** Times are ms since the epoch with sub-ms precision (`telemetryNow()`), for spans and latency. */
export interface Timed {
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Labels are only ever configured names and closed enums; ids are for logs and traces. */
export interface TelemetryEvents {
  /** A request reached a webhook route. `source`/`provider` are null for an unknown source. */
  'webhook.received': {
    readonly source: string | null;
    readonly provider: string | null;
    readonly requestId: string;
    /** The provider's `traceparent` header, unvalidated (the tracer validates it strictly). */
    readonly incoming: string | undefined;
    readonly at: number;
    readonly trace: TraceCarrier;
  };
  /** The signature check, passed or not. */
  'webhook.verified': Timed & {
    readonly source: string;
    readonly ok: boolean;
    readonly trace: TraceCarrier;
  };
  /** The dedupe key was derived (the duplicate check itself runs in the commit's transaction). */
  'webhook.deduped': Timed & {
    readonly source: string;
    readonly keyed: boolean;
    readonly trace: TraceCarrier;
  };
  /** The wait for this event's group commit. */
  'webhook.committed': Timed & {
    readonly source: string;
    readonly ok: boolean;
    readonly trace: TraceCarrier;
  };
  /** Stored and answered (a handshake is stored too, never delivered). */
  'webhook.stored': {
    readonly source: string;
    readonly provider: string;
    readonly eventId: string;
    readonly requestId: string;
    readonly handshake: boolean;
    readonly deliveries: number;
    readonly durationMs: number;
    readonly trace: TraceCarrier;
  };
  'webhook.duplicate': {
    readonly source: string;
    readonly provider: string;
    readonly eventId: string;
    readonly requestId: string;
    readonly durationMs: number;
    readonly trace: TraceCarrier;
  };
  /** Answered with an error code (4xx/5xx). */
  'webhook.rejected': {
    readonly source: string | null;
    readonly provider: string | null;
    readonly requestId: string;
    readonly code: ErrorCode;
    readonly status: number;
    readonly durationMs: number;
    readonly trace: TraceCarrier;
  };
  /** One group commit of received events. */
  'commit.finished': {
    readonly size: number;
    readonly durationMs: number;
    readonly error: Error | undefined;
  };
  /** Any HTTP request answered (`route` is the pattern, null when no route matched). */
  'http.responded': {
    readonly method: string;
    readonly route: string | null;
    readonly status: number;
    readonly durationMs: number;
  };
  /** An attempt starts; `trace` holds the event's stored context. */
  'attempt.started': {
    readonly deliveryId: string;
    readonly eventId: string;
    readonly source: string;
    readonly destination: string;
    readonly destinationType: string;
    readonly number: number;
    readonly at: number;
    readonly trace: TraceCarrier;
  };
  /** The route's transform ran (`kind` is its TransformResult kind). */
  'attempt.transformed': Timed & {
    readonly destination: string;
    readonly kind: string;
    readonly trace: TraceCarrier;
  };
  /** About to send: the tracer puts the send span's context in `trace` for the destination. */
  'attempt.sending': {
    readonly destination: string;
    readonly destinationType: string;
    readonly at: number;
    readonly trace: TraceCarrier;
  };
  'attempt.sent': Timed & {
    readonly destination: string;
    readonly verdict: Verdict;
    readonly trace: TraceCarrier;
  };
  /** The attempt is over and its outcome recorded (or the lease was lost: `report.recorded`). */
  'attempt.finished': {
    readonly report: AttemptReport;
    readonly source: string;
    readonly at: number;
    readonly trace: TraceCarrier;
  };
  /** The attempt could not be recorded (the store failed): the lease runs out, it is retried. */
  'attempt.errored': {
    readonly deliveryId: string;
    readonly destination: string;
    readonly error: unknown;
    readonly trace: TraceCarrier;
  };
  /** A delivery moved from one state to another. */
  'delivery.state': {
    readonly deliveryId: string;
    readonly destination: string;
    readonly from: DeliveryState;
    readonly to: DeliveryState;
  };
  'breaker.changed': {
    readonly destination: string;
    readonly from: BreakerState;
    readonly to: BreakerState;
    readonly why: string;
  };
  /** `by`: an operator (admin API), or the destination itself (it answered 410 Gone). */
  'destination.paused': {
    readonly destination: string;
    readonly reason: string;
    readonly by: 'operator' | 'destination';
  };
  'destination.resumed': { readonly destination: string };
  /** An adaptive destination's concurrency changed, or a Retry-After paused its sending. */
  'destination.adapted': {
    readonly destination: string;
    readonly from: number;
    readonly to: number;
    readonly reason: AdaptReason;
    /** Until when sending is paused (a Retry-After), or null. */
    readonly pausedUntil: number | null;
  };
  /** Redis (shared state) or a broker destination's client connected or lost its connection. */
  'connection.changed': {
    /** `redis` for the shared-state connection, else the destination type (`nats`, …). */
    readonly kind: string;
    readonly status: 'connected' | 'disconnected';
    /** For logs: a redacted URL. Never a label. */
    readonly target: string;
    readonly error?: string | undefined;
  };
  /** A store operation outside a request failed (claims; commits have their own event). */
  'store.failed': { readonly operation: 'claim' | 'record'; readonly error: unknown };
  /** A retention pass ended: what it deleted, by kind (`failed`: a step failed; the next pass goes on). */
  'retention.passed': {
    readonly at: number;
    readonly durationMs: number;
    readonly pruned: Readonly<Record<'events' | 'deliveries' | 'attempts' | 'deadLetters', number>>;
    readonly failed: boolean;
  };
  /** Expired dedupe keys were removed (the retention sweep emits this). */
  'dedupe.swept': { readonly removed: number; readonly durationMs: number; readonly at: number };
}

export type TelemetryName = keyof TelemetryEvents;
export type Listener<K extends TelemetryName> = (payload: TelemetryEvents[K]) => void;

/** Wall time in ms with sub-ms precision: spans need both, and `Date.now()` has only ms. */
export function telemetryNow(): number {
  return performance.timeOrigin + performance.now();
}

type Listeners = { [K in TelemetryName]?: Listener<K>[] };

export class Telemetry {
  private readonly listeners: Listeners = {};

  /** `onListenerError` reports a subscriber's failure (it must not throw itself). */
  constructor(
    private readonly onListenerError: (name: TelemetryName, error: unknown) => void = () =>
      undefined,
  ) {}

  /** Subscribes; returns the unsubscribe. */
  on<K extends TelemetryName>(name: K, listener: Listener<K>): () => void {
    const list = (this.listeners[name] ?? []) as Listener<K>[];
    // A new array: an emit under way keeps iterating the one it started with.
    (this.listeners as Record<K, Listener<K>[]>)[name] = [...list, listener];
    return () => {
      const next = ((this.listeners[name] ?? []) as Listener<K>[]).filter((l) => l !== listener);
      if (next.length === 0) delete this.listeners[name];
      else (this.listeners as Record<K, Listener<K>[]>)[name] = next;
    };
  }

  /** Whether anyone listens: lets an emitter skip building a payload that costs something. */
  wants(name: TelemetryName): boolean {
    return this.listeners[name] !== undefined;
  }

  emit<K extends TelemetryName>(name: K, payload: TelemetryEvents[K]): void {
    const list = this.listeners[name] as Listener<K>[] | undefined;
    if (list === undefined) return;
    for (const listener of list) {
      try {
        const result = listener(payload) as unknown;
        // An async listener's rejection would otherwise be an unhandled rejection (a crash).
        if (result instanceof Promise) result.catch((err: unknown) => this.report(name, err));
      } catch (err) {
        this.report(name, err);
      }
    }
  }

  private report(name: TelemetryName, error: unknown): void {
    try {
      this.onListenerError(name, error);
    } catch {
      // The reporter failed too: nothing more can be done without risking the emitter.
    }
  }
}
