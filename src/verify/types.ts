/**
 * The verifier contract. A Provider checks a request's signature over its exact bytes and says
 * which event it carries. Only `verifyWebhook` (verified.ts) turns a request into a
 * `VerifiedWebhook`; code downstream of ingress never sees an unverified body.
 */
import type { ZodType } from 'zod';

/** One received HTTP request, as the provider sent it. */
export interface WebhookRequest {
  readonly method: string;
  /** Path and query exactly as received, e.g. `/webhooks/stripe?x=1`. */
  readonly url: string;
  /** Path below the source's URL (`/order/123` for `/webhooks/talabat/order/123`), or ''. */
  readonly subpath: string;
  /** Header names lower-cased; repeated headers joined with ', ' as Node does. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body bytes, untouched. */
  readonly rawBody: Buffer;
  /** The body parsed as JSON once, on first use; undefined when it is not JSON. */
  json(): unknown;
}

export interface VerifyContext<Options = unknown, Runtime = unknown> {
  /** Current time in milliseconds, from the injected Clock. */
  readonly now: number;
  /** All secrets of the source, newest first; any one may match (rotation). */
  readonly secrets: readonly string[];
  /** Timestamp tolerance in seconds (the provider's default unless the source overrides it). */
  readonly toleranceSeconds: number;
  /** The source's provider-specific options, already validated by the provider's schema. */
  readonly options: Options;
  /** What the provider built for this source from its options (`Provider.runtime`). */
  readonly runtime: Runtime;
}

/** Why a verification failed: logged for operators, never answered to the sender. */
export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface EventIdentity {
  /** The provider's own id of the event (used for deduplication), when it has one. */
  readonly eventId?: string | undefined;
  /** The provider's event type (used by route filters), when it has one. */
  readonly eventType?: string | undefined;
}

/** What a platform's endpoint check gets back, made from the request itself. */
export interface HandshakeReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface Handshake {
  /**
   * Whether the platform signs this request: then it is verified like any webhook first. False
   * only where the platform sends it unsigned (WooCommerce's creation ping).
   */
  readonly signed: boolean;
  readonly reply: HandshakeReply;
}

export interface Provider<Options = unknown, Runtime = unknown> {
  readonly name: string;
  /** Default timestamp tolerance in seconds (0 when the scheme has no timestamp). */
  readonly defaultToleranceSeconds: number;
  /** Whether the provider needs at least one secret (false only for `none`). */
  readonly requiresSecret: boolean;
  /**
   * Schema of the source's `options` for this provider; strict, with defaults. Its output is
   * plain data: it is frozen into the configuration (the loader refuses anything else).
   */
  readonly optionsSchema: ZodType<Options>;
  /**
   * Builds, once per source at start, what verification keeps between requests (PayPal's
   * certificate cache, a compiled signing template), from the validated options. Runtime
   * objects live here, never in the frozen configuration.
   */
  runtime?(options: Options): Runtime;
  /**
   * The headers (lower-case) that carry this source's signature or credential: their values are
   * never stored nor shown (`[redacted]`). Declared by each provider, since their names follow
   * no pattern (`paypal-transmission-sig`, `x-shopify-hmac-sha256`).
   */
  credentialHeaders(options: Options): readonly string[];
  /**
   * I/O that verify needs, done first (PayPal: download and check the signing certificate,
   * cached). Throws only when the gateway cannot decide (certificate host down): that is a 503.
   */
  prepare?(request: WebhookRequest, context: VerifyContext<Options, Runtime>): Promise<void>;
  verify(request: WebhookRequest, context: VerifyContext<Options, Runtime>): VerifyResult;
  identify(request: WebhookRequest, options: Options): EventIdentity;
  /**
   * A platform's endpoint check (Slack `url_verification`, Zoom `endpoint.url_validation`,
   * Twitch `webhook_callback_verification`, Discord PING, WooCommerce's ping), or undefined for
   * an ordinary event. It is stored as an event of type `handshake`, never delivered, and
   * answered with `reply` (after verification when `signed`).
   */
  handshake?(
    request: WebhookRequest,
    context: VerifyContext<Options, Runtime>,
  ): Handshake | undefined;
  /**
   * The answer the platform expects once the event is stored, when it is more than a 200
   * (Delivery Hero's order dispatch wants `{"remoteResponse":{"remoteOrderId": …}}`). `eventId`
   * is Hookgate's stable id of the stored event (the original's, for a duplicate).
   */
  reply?(request: WebhookRequest, stored: { readonly eventId: string }): HandshakeReply | undefined;
}
