import { z } from 'zod';
import { stringAt } from '../domain/json-path.ts';
import { decodeSignature } from '../verify/compare.ts';
import { anySignatureMatches } from '../verify/hmac.ts';
import { parseUnixSeconds, withinTolerance } from '../verify/timestamp.ts';
import type { Provider, WebhookRequest } from '../verify/types.ts';

/** Standard Webhooks headers, or Svix's older names for the same thing. */
function headerSet(request: WebhookRequest) {
  const h = request.headers;
  return h['webhook-id'] !== undefined
    ? { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] }
    : { id: h['svix-id'], timestamp: h['svix-timestamp'], signature: h['svix-signature'] };
}

/** `whsec_<base64>` → the key bytes; a secret without the prefix is base64 too (as the spec's libraries do). */
export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret,
    'base64',
  );
}

/**
 * Standard Webhooks / Svix: HMAC-SHA256 of `<id>.<timestamp>.<body>`, base64, in a space-separated
 * list of `v1,<sig>` entries (several during key rotation). Other versions (v1a: Ed25519) are
 * skipped here.
 */
export const standardWebhooks: Provider<Record<string, never>> = {
  name: 'standard-webhooks',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  verify(request, ctx) {
    const { id, timestamp, signature } = headerSet(request);
    if (!id || !timestamp || !signature)
      return { ok: false, reason: 'missing webhook-id, -timestamp or -signature' };
    const seconds = parseUnixSeconds(timestamp);
    if (seconds === undefined) return { ok: false, reason: 'malformed timestamp' };
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const signatures = signature
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => decodeSignature(entry.slice(3), 'base64'));
    if (signatures.length === 0) return { ok: false, reason: 'no v1 signature' };
    const keys = ctx.secrets.map(standardWebhooksKey);
    return anySignatureMatches(
      'sha256',
      keys,
      [id, '.', timestamp, '.', request.rawBody],
      signatures,
    )
      ? { ok: true }
      : { ok: false, reason: 'no signature matches' };
  },
  identify(request) {
    return {
      eventId: headerSet(request).id || undefined,
      eventType: stringAt(request.json(), 'type'),
    };
  },
};
