import { HookgateError } from '../domain/errors.ts';
import type { EventIdentity, Provider, WebhookRequest } from './types.ts';

declare const verified: unique symbol;

/** A request whose signature was checked. Only `verifyWebhook` can make one. */
export interface VerifiedWebhook extends EventIdentity {
  readonly [verified]: true;
  readonly request: WebhookRequest;
  readonly provider: string;
}

export interface VerifySource {
  readonly provider: Provider;
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly options: unknown;
}

/**
 * Checks the request against the source's provider and identifies the event. Throws
 * INVALID_SIGNATURE with no hint to the sender; the reason goes to `onReject` for the log.
 */
export function verifyWebhook(
  source: VerifySource,
  request: WebhookRequest,
  now: number,
  onReject: (reason: string) => void,
): VerifiedWebhook {
  const result = source.provider.verify(request, {
    now,
    secrets: source.secrets,
    toleranceSeconds: source.toleranceSeconds,
    options: source.options,
  });
  if (!result.ok) {
    onReject(result.reason);
    throw new HookgateError('INVALID_SIGNATURE');
  }
  const identity = source.provider.identify(request, source.options);
  return {
    request,
    provider: source.provider.name,
    eventId: identity.eventId,
    eventType: identity.eventType,
  } as VerifiedWebhook;
}
