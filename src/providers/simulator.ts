/**
 * The webhook simulator's side of a provider (`hookgate send <provider>`): a sample payload and
 * the signing the platform itself does, so a running gateway can be exercised end to end.
 */
export interface SimulatedRequest {
  /** Headers the platform sends, signature included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Appended to the source's URL: a subpath (`/order/123`) and/or query (`?bodySHA256=…`). */
  readonly pathSuffix?: string;
  /** POST unless the platform uses another method. */
  readonly method?: string;
}

/** What a sample is made for. */
export interface SampleParams {
  /**
   * The id the event carries where the platform puts its event id (`hookgate send --id`, else a
   * new one each send): the gateway deduplicates by it. Absent: the simulator makes a new one.
   */
  readonly eventId?: string | undefined;
  /** A merchant / vendor id the source maps in `orders.branches` (restaurant platforms). */
  readonly branch?: string | undefined;
}

export interface SignParams extends SampleParams {
  readonly body: Buffer;
  /**
   * The secret as configured on the source. For public-key schemes (PayPal, SendGrid, Discord,
   * Standard Webhooks v1a) the PRIVATE key matching the configured public key, PEM.
   */
  readonly secret: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** The source's options, parsed by the provider's schema. */
  readonly options: unknown;
  /** The full URL the request goes to (Twilio and Square sign it). */
  readonly url: string;
}

export interface Simulator {
  /**
   * Set for public-key schemes: what private key `hookgate send --key` must give (the source
   * holds only the public half, so the simulator cannot sign without it).
   */
  readonly privateKey?: string;
  /** A realistic sample body of this platform (what `--file` replaces). */
  sample(params?: SampleParams): Buffer;
  sign(params: SignParams): SimulatedRequest;
}
