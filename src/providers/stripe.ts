import { z } from 'zod';
import { stringAt } from '../domain/json-path.ts';
import { decodeSignature } from '../verify/compare.ts';
import { anySignatureMatches } from '../verify/hmac.ts';
import { parseUnixSeconds, withinTolerance } from '../verify/timestamp.ts';
import type { Provider } from '../verify/types.ts';

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `<t>.<body>` with the
 * endpoint secret as given (the `whsec_` string itself is the key). Several v1 entries appear
 * during secret rotation on Stripe's side; v0 and unknown schemes are ignored.
 */
export const stripe: Provider<Record<string, never>> = {
  name: 'stripe',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  verify(request, ctx) {
    const header = request.headers['stripe-signature'];
    if (!header) return { ok: false, reason: 'missing Stripe-Signature header' };
    let timestamp: string | undefined;
    const signatures: Buffer[] = [];
    for (const item of header.split(',')) {
      const eq = item.indexOf('=');
      const key = item.slice(0, eq).trim();
      const value = item.slice(eq + 1).trim();
      if (key === 't') timestamp = value;
      else if (key === 'v1') signatures.push(decodeSignature(value, 'hex'));
    }
    const seconds = parseUnixSeconds(timestamp);
    if (seconds === undefined || timestamp === undefined)
      return { ok: false, reason: 'no timestamp in Stripe-Signature' };
    if (signatures.length === 0)
      return { ok: false, reason: 'no v1 signature in Stripe-Signature' };
    // Stripe's library only rejects old timestamps; a far-future one is rejected here too.
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const parts = [timestamp, '.', request.rawBody];
    return anySignatureMatches('sha256', ctx.secrets, parts, signatures)
      ? { ok: true }
      : { ok: false, reason: 'no signature matches' };
  },
  identify(request) {
    const body = request.json();
    return { eventId: stringAt(body, 'id'), eventType: stringAt(body, 'type') };
  },
};
