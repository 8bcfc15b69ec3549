import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { stringAt } from '../../domain/json-path.ts';
import type { Provider } from '../../verify/types.ts';

/**
 * Typeform: `Typeform-Signature: sha256=<base64>`, HMAC-SHA256 of the raw body keyed with the
 * secret set on the webhook (UTF-8). Typeform sends the header only when a secret is set, so a
 * request without it is rejected. No timestamp is signed.
 */
export const typeform: Provider<Record<string, never>> = {
  name: 'typeform',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['typeform-signature'],
  verify(request, ctx) {
    const header = request.headers['typeform-signature'];
    if (!header) return { ok: false, reason: 'missing Typeform-Signature header' };
    if (!header.startsWith('sha256='))
      return { ok: false, reason: 'signature does not start with sha256=' };
    const signature = decodeSignature(header.slice('sha256='.length), 'base64');
    return anySignatureMatches('sha256', ctx.secrets, request.rawBody, [signature])
      ? { ok: true }
      : { ok: false, reason: 'signature does not match' };
  },
  identify(request) {
    const body = request.json();
    return { eventId: stringAt(body, 'event_id'), eventType: stringAt(body, 'event_type') };
  },
};
