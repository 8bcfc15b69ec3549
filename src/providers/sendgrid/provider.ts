import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { keyCache } from '../../verify/key-cache.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

/**
 * The verification key as the dashboard shows it (base64 DER SubjectPublicKeyInfo), or PEM.
 * Only P-256 keys are kept: anything else could never be SendGrid's.
 */
export const sendgridPublicKey = keyCache<KeyObject>((text) => {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: decodeSignature(trimmed, 'base64'), format: 'der', type: 'spki' });
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
    ? key
    : null;
});

const signatureHeader = 'x-twilio-email-event-webhook-signature';
const timestampHeader = 'x-twilio-email-event-webhook-timestamp';

/** The event name shared by every event of the batch, else `batch` (a mixed or odd body). */
function batchType(request: WebhookRequest): string | undefined {
  const body = request.json();
  if (!Array.isArray(body) || body.length === 0) return undefined;
  const types = new Set(
    body.map((e: unknown) =>
      e !== null && typeof e === 'object' && typeof (e as { event?: unknown }).event === 'string'
        ? (e as { event: string }).event
        : undefined,
    ),
  );
  const [only] = types;
  return types.size === 1 && only !== undefined && only !== '' ? only : 'batch';
}

/**
 * SendGrid signed Event Webhook: ECDSA P-256/SHA-256 over `<timestamp><raw body>`, the DER
 * signature base64 in X-Twilio-Email-Event-Webhook-Signature. SendGrid documents no replay
 * window (and retries for up to 72 h): the timestamp is checked only when the source sets
 * toleranceSeconds (0, the default, means not checked); identical replays are deduplicated.
 */
export const sendgrid: Provider<Record<string, never>> = {
  name: 'sendgrid',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['x-twilio-email-event-webhook-signature'],
  verify(request, ctx) {
    const signatureText = request.headers[signatureHeader];
    const timestamp = request.headers[timestampHeader];
    if (!signatureText || !timestamp)
      return { ok: false, reason: `missing ${signatureHeader} or ${timestampHeader}` };
    const signature = decodeSignature(signatureText, 'base64');
    if (signature.length === 0) return { ok: false, reason: `${signatureHeader} is not base64` };
    if (ctx.toleranceSeconds > 0) {
      const seconds = parseUnixSeconds(timestamp);
      if (seconds === undefined) return { ok: false, reason: `malformed ${timestampHeader}` };
      if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
        return { ok: false, reason: 'timestamp outside tolerance' };
    }
    const keys = ctx.secrets.map(sendgridPublicKey).filter((k) => k !== null);
    if (keys.length === 0) return { ok: false, reason: 'no secret is a P-256 public key' };
    const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.rawBody]);
    let matched = false;
    for (const key of keys) {
      // OpenSSL rejects malformed DER by returning false; guard anyway so garbage never throws.
      try {
        if (verifySignature('sha256', message, { key, dsaEncoding: 'der' }, signature))
          matched = true;
      } catch {
        /* not a DER ECDSA signature */
      }
    }
    return matched ? { ok: true } : { ok: false, reason: 'signature does not verify' };
  },
  identify(request) {
    // A batch has no id of its own; a retried batch is byte-identical and deduplicated by the
    // body hash. Taking one event's sg_event_id would drop the rest of a re-batched retry.
    return { eventId: undefined, eventType: batchType(request) };
  },
};
