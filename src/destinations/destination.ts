import type { Logger } from 'pino';
import type { Verdict } from '../domain/outcome.ts';
import type { StoredEvent } from '../store/store.ts';

/** One message for a destination: an event's body (or its transform's output) and its identity. */
export interface OutboundMessage {
  readonly event: StoredEvent;
  /** The delivery's idempotency key (`idempotencyKey()`): the same on every attempt. */
  readonly id: string;
  /** What is sent: the route's transform output, or the event's bytes as received. */
  readonly body: Buffer;
  /** Headers the route's transform set (lower-case names), on top of the destination's. */
  readonly headers: Readonly<Record<string, string>>;
  /** True when `body` is a transform's output (brokers then put it in the envelope as is). */
  readonly transformed: boolean;
  /** When the attempt started (ms since the epoch). */
  readonly now: number;
  /**
   * The W3C trace context of this send (tracing on), propagated as the `traceparent` header
   * (HTTP, NATS, AMQP) or in the envelope (Redis has no headers).
   */
  readonly traceparent?: string | null | undefined;
}

/** A broker destination's connection, for /health and the admin API. */
export interface ConnectionCheck {
  readonly status: 'connected' | 'connecting' | 'disconnected';
  /** The last connection error, while not connected. */
  readonly error?: string;
}

/**
 * Where deliveries go. Each type (`src/destinations/<type>/`) sends a message with its client and
 * classifies what happened into a Verdict; retries, breakers, rate limits, pause and dead letters
 * are the same for every type and live in `src/delivery/`.
 */
export interface Destination {
  /**
   * Sends one message. Resolves (never rejects) with the verdict within `deadlineMs`: a send not
   * confirmed by then is a `temporary` failure (it may still arrive: the idempotency key lets
   * the receiver drop the repeat).
   */
  send(message: OutboundMessage, deadlineMs: number): Promise<Verdict>;
  /** The connection, for types that hold one (brokers); undefined for HTTP. */
  connection(): ConnectionCheck | undefined;
}

/** A client's connection came up or went down (for telemetry; the client logs it itself). */
export interface ConnectionChange {
  /** The destination type (`redis`, `nats`, `rabbitmq`). */
  readonly kind: string;
  readonly status: 'connected' | 'disconnected';
  /** The URL without its password. */
  readonly target: string;
  readonly error?: string | undefined;
}

export interface DriverContext {
  readonly logger: Logger;
  readonly onConnectionChange?: ((change: ConnectionChange) => void) | undefined;
}

/**
 * A type's runtime: the clients its destinations share (HTTP: one connection pool per origin;
 * brokers: one connection per URL), opened from the configuration at start and closed at stop.
 */
export interface DestinationDriver<C> {
  open(config: C): Destination;
  /** Closes every client (idempotent); messages in flight are given up. */
  close(): Promise<void>;
}

export interface DestinationKind<C> {
  driver(context: DriverContext): DestinationDriver<C>;
}
