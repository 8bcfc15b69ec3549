import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

/** Standard Webhooks headers, or Svix's older names for the same thing (never mixed). */
function headerSet(request: WebhookRequest) {
  const h = request.headers;
  return h['webhook-id'] !== undefined
    ? { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] }
    : { id: h['svix-id'], timestamp: h['svix-timestamp'], signature: h['svix-signature'] };
}

// Strict base64 with padding, like the library's decoder; Node's own would accept anything.
const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `whsec_<base64>` → the key bytes. A secret without the prefix is base64 too, as the spec's
 * libraries read it. Undefined when it is not valid base64 (it could never match).
 */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return encoded !== '' && strictBase64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
}

/**
 * Standard Webhooks / Svix: HMAC-SHA256 of `<id>.<timestamp>.<body>`, base64, in a space-separated
 * list of `v1,<sig>` entries (several during key rotation). Other versions (v1a: Ed25519) are
 * skipped. The timestamp must be within the tolerance both ways, as in the spec's libraries.
 */
export const standardWebhooks: Provider<Record<string, never>> = {
  name: 'standard-webhooks',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  verify(request, ctx) {
    const { id, timestamp, signature } = headerSet(request);
    if (!id || !timestamp || !signature)
      return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
    const seconds = parseUnixSeconds(timestamp);
    if (seconds === undefined) return { ok: false, reason: 'malformed webhook-timestamp' };
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const signatures = signature
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => decodeSignature(entry.slice('v1,'.length), 'base64'));
    if (signatures.length === 0) return { ok: false, reason: 'no v1 signature' };
    const keys = ctx.secrets.map(standardWebhooksKey).filter((k) => k !== undefined);
    if (keys.length === 0) return { ok: false, reason: 'no secret is valid whsec_<base64>' };
    const signed = [Buffer.from(`${id}.${timestamp}.`, 'utf8'), request.rawBody];
    return anySignatureMatches('sha256', keys, signed, signatures)
      ? { ok: true }
      : { ok: false, reason: 'no v1 signature matches' };
  },
  identify(request) {
    return {
      eventId: headerSet(request).id || undefined,
      eventType: textAt(request.json(), 'type'),
    };
  },
};
