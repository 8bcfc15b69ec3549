import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

interface StripeHeader {
  readonly timestamp: string | undefined;
  readonly signatures: readonly Buffer[];
}

/** `t=…,v1=…,v1=…`: the last `t` wins (as in stripe-node); v0 and unknown schemes are ignored. */
function parseHeader(header: string): StripeHeader {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(decodeSignature(value, 'hex'));
  }
  return { timestamp, signatures };
}

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `<t>.<body>` keyed
 * with the endpoint secret as given (the whole `whsec_…` string, not base64-decoded). Stripe sends
 * one v1 per active secret while it rolls a secret.
 */
export const stripe: Provider<Record<string, never>> = {
  name: 'stripe',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['stripe-signature'],
  verify(request: WebhookRequest, ctx) {
    const header = request.headers['stripe-signature'];
    if (!header) return { ok: false, reason: 'missing Stripe-Signature header' };
    const { timestamp, signatures } = parseHeader(header);
    const seconds = parseUnixSeconds(timestamp);
    if (timestamp === undefined || seconds === undefined)
      return { ok: false, reason: 'no valid t= in Stripe-Signature' };
    if (signatures.length === 0) return { ok: false, reason: 'no v1= in Stripe-Signature' };
    // stripe-node rejects only old timestamps; a far-future one is rejected here too, since a
    // signature dated ahead could be replayed for that long.
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const signed = [Buffer.from(`${timestamp}.`, 'utf8'), request.rawBody];
    return anySignatureMatches('sha256', ctx.secrets, signed, signatures)
      ? { ok: true }
      : { ok: false, reason: 'no v1 signature matches' };
  },
  identify(request) {
    const body = request.json();
    return { eventId: textAt(body, 'id'), eventType: textAt(body, 'type') };
  },
};
