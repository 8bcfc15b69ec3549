import { HookgateError } from '../domain/errors.ts';
import type { EventIdentity, Handshake, Provider, VerifyContext, WebhookRequest } from './types.ts';

declare const verified: unique symbol;

/** A request whose signature was checked. Only `verifyWebhook` can make one. */
export interface VerifiedWebhook extends EventIdentity {
  readonly [verified]: true;
  readonly request: WebhookRequest;
  readonly provider: string;
  /** Set when the request is the platform's endpoint check: answer this, deliver nothing. */
  readonly handshake?: Handshake;
}

export interface VerifySource {
  readonly provider: Provider;
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly options: unknown;
  /** What the provider built from the options for this source (`Provider.runtime`). */
  readonly runtime: unknown;
  /** Okta-style challenge echo, for any provider. */
  readonly verificationChallenge?: { readonly header: string; readonly field: string } | undefined;
}

/** The source's challenge header, echoed back as the platform expects; unsigned by design. */
function challengeEcho(source: VerifySource, request: WebhookRequest): Handshake | undefined {
  const challenge = source.verificationChallenge;
  const value = challenge && request.headers[challenge.header];
  if (challenge === undefined || value === undefined) return undefined;
  return {
    signed: false,
    reply: {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ [challenge.field]: value }),
    },
  };
}

/** Event type of a stored handshake; routes never match it (it has no deliveries). */
const handshakeEventType = 'handshake';

/**
 * Checks the request against the source's provider and identifies the event (or the platform's
 * handshake). Throws INVALID_SIGNATURE with no hint to the sender; the reason goes to `onReject`
 * for the log.
 */
export async function verifyWebhook(
  source: VerifySource,
  request: WebhookRequest,
  now: number,
  onReject: (reason: string) => void,
): Promise<VerifiedWebhook> {
  const { provider } = source;
  const context: VerifyContext = {
    now,
    secrets: source.secrets,
    toleranceSeconds: source.toleranceSeconds,
    options: source.options,
    runtime: source.runtime,
  };
  const handshake = challengeEcho(source, request) ?? provider.handshake?.(request, context);
  if (handshake?.signed !== false) {
    if (provider.prepare) {
      try {
        await provider.prepare(request, context);
      } catch (err) {
        throw new HookgateError('UNAVAILABLE', { cause: err });
      }
    }
    const result = provider.verify(request, context);
    if (!result.ok) {
      onReject(result.reason);
      throw new HookgateError('INVALID_SIGNATURE');
    }
  }
  if (handshake) {
    return {
      request,
      provider: provider.name,
      eventType: handshakeEventType,
      handshake,
    } as VerifiedWebhook;
  }
  const identity = provider.identify(request, source.options);
  return {
    request,
    provider: provider.name,
    eventId: identity.eventId,
    eventType: identity.eventType,
  } as VerifiedWebhook;
}
