import { z } from 'zod';
import { decodeCanonicalBase64 } from '../../verify/canonical-base64.ts';
import { anySignatureMatches, type HmacAlgorithm } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

const options = z.strictObject({
  /** The subscription's notification URL, byte for byte as registered with Square. */
  notificationUrl: z
    .string()
    .refine((u) => /^https?:\/\/[^/?#]/i.test(u) && URL.canParse(u), 'not an http(s) URL'),
  /** Also accept the legacy `x-square-signature` (HMAC-SHA1), only when the SHA-256 header is absent. */
  allowLegacySha1: z.boolean().default(false),
});

export type SquareOptions = z.output<typeof options>;

function pickSignature(
  request: WebhookRequest,
  allowLegacy: boolean,
): { algorithm: HmacAlgorithm; header: string } | undefined {
  const sha256 = request.headers['x-square-hmacsha256-signature'];
  if (sha256 !== undefined) return { algorithm: 'sha256', header: sha256 };
  const sha1 = request.headers['x-square-signature'];
  if (allowLegacy && sha1 !== undefined) return { algorithm: 'sha1', header: sha1 };
  return undefined;
}

/**
 * Square: `x-square-hmacsha256-signature` = base64 HMAC-SHA256, keyed with the subscription's
 * signature key, of the notification URL followed by the raw body. A present SHA-256 header
 * never falls back to the legacy SHA-1 one (a downgrade). No timestamp: dedupe on `event_id`.
 */
export const square: Provider<SquareOptions> = {
  name: 'square',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['x-square-hmacsha256-signature', 'x-square-signature'],
  verify(request, ctx) {
    const picked = pickSignature(request, ctx.options.allowLegacySha1);
    if (picked === undefined)
      return { ok: false, reason: 'missing x-square-hmacsha256-signature header' };
    const signature = decodeCanonicalBase64(picked.header);
    if (signature.length === 0) return { ok: false, reason: 'signature is not base64' };
    const signed = [Buffer.from(ctx.options.notificationUrl, 'utf8'), request.rawBody];
    return anySignatureMatches(picked.algorithm, ctx.secrets, signed, [signature])
      ? { ok: true }
      : { ok: false, reason: `no ${picked.algorithm} signature matches (check notificationUrl)` };
  },
  identify(request) {
    const body = request.json();
    return { eventId: textAt(body, 'event_id'), eventType: textAt(body, 'type') };
  },
};
