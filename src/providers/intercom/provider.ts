import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { stringAt } from '../../domain/json-path.ts';
import type { Provider } from '../../verify/types.ts';

/**
 * Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the raw body keyed with the app's
 * client_secret (UTF-8). No timestamp is signed. The `ping` topic Intercom sends when a
 * subscription is saved is an ordinary signed notification: no special reply is needed.
 */
export const intercom: Provider<Record<string, never>> = {
  name: 'intercom',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['x-hub-signature'],
  verify(request, ctx) {
    const header = request.headers['x-hub-signature'];
    if (!header) return { ok: false, reason: 'missing X-Hub-Signature header' };
    if (!header.startsWith('sha1='))
      return { ok: false, reason: 'signature does not start with sha1=' };
    const signature = decodeSignature(header.slice('sha1='.length), 'hex');
    return anySignatureMatches('sha1', ctx.secrets, request.rawBody, [signature])
      ? { ok: true }
      : { ok: false, reason: 'signature does not match' };
  },
  identify(request) {
    const body = request.json();
    return { eventId: stringAt(body, 'id'), eventType: stringAt(body, 'topic') };
  },
};
