import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { firstValue, parseForm } from '../../verify/form-urlencoded.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { stringAt, textAt, valueAt } from '../../domain/json-path.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

interface MailgunSignature {
  readonly timestamp: string | undefined;
  readonly token: string | undefined;
  /** `signature`, then `parent-signature` (a subaccount's, made with the parent account's key). */
  readonly signatures: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The signature fields: from the JSON body's `signature` object (current webhooks), else from
 * the form fields `timestamp`, `token`, `signature` (legacy webhooks and Routes, urlencoded).
 */
export function readSignature(request: WebhookRequest): MailgunSignature {
  const json = request.json();
  if (isObject(json)) {
    const sig = valueAt(json, 'signature');
    const text = (key: string) => (isObject(sig) ? textAt(sig, key) : undefined);
    return {
      timestamp: isObject(sig) ? stringAt(sig, 'timestamp') : undefined,
      token: text('token'),
      signatures: [text('signature'), text('parent-signature')].filter((s) => s !== undefined),
    };
  }
  const form = parseForm(request.rawBody);
  return {
    timestamp: firstValue(form, 'timestamp'),
    token: firstValue(form, 'token'),
    signatures: [firstValue(form, 'signature')].filter((s) => s !== undefined),
  };
}

/**
 * Mailgun: the signature is inside the body, hex HMAC-SHA256 of `<timestamp><token>` keyed with
 * the HTTP webhook signing key. The event data itself is NOT signed, so the token is the event id:
 * deduplication then refuses a second request with the same token, as Mailgun advises.
 */
export const mailgun: Provider<Record<string, never>> = {
  name: 'mailgun',
  // Mailgun retries for 8 hours and warns against an aggressive freshness check; token
  // deduplication (7 days by default) is what stops a replay within this window.
  defaultToleranceSeconds: 12 * 60 * 60,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  // Its signature is a form field of the body, kept as received (verification needs it).
  credentialHeaders: () => [],
  verify(request, ctx) {
    const { timestamp, token, signatures } = readSignature(request);
    if (!timestamp || !token || signatures.length === 0)
      return { ok: false, reason: 'missing signature.timestamp, token or signature in the body' };
    const seconds = parseUnixSeconds(timestamp);
    if (seconds === undefined) return { ok: false, reason: 'malformed signature timestamp' };
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const provided = signatures.map((s) => decodeSignature(s, 'hex'));
    return anySignatureMatches(
      'sha256',
      ctx.secrets,
      Buffer.from(timestamp + token, 'utf8'),
      provided,
    )
      ? { ok: true }
      : { ok: false, reason: 'no signature matches' };
  },
  identify(request) {
    const { token } = readSignature(request);
    const json = request.json();
    const eventType = isObject(json)
      ? textAt(json, 'event-data.event')
      : firstValue(parseForm(request.rawBody), 'event') || undefined;
    return { eventId: token || undefined, eventType };
  },
};
