import { z } from 'zod';
import { decodeCanonicalBase64 } from '../../verify/canonical-base64.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';
import { woocommerceKey } from './secret.ts';

/** The creation ping: `webhook_id=<n>` as a form body, sent with no signature at all. */
function isPing(request: WebhookRequest): boolean {
  return (
    request.headers['x-wc-webhook-signature'] === undefined &&
    /^webhook_id=\d+$/.test(request.rawBody.toString('latin1'))
  );
}

/**
 * WooCommerce: `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the raw body, keyed with the
 * webhook's secret after WordPress's HTML-entity decode. No timestamp: dedupe on the delivery
 * id. The unsigned creation ping is answered 200 and stored, never delivered.
 */
export const woocommerce: Provider<Record<string, never>> = {
  name: 'woocommerce',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['x-wc-webhook-signature'],
  verify(request, ctx) {
    const header = request.headers['x-wc-webhook-signature'];
    if (!header) return { ok: false, reason: 'missing X-WC-Webhook-Signature header' };
    const signature = decodeCanonicalBase64(header);
    if (signature.length === 0)
      return { ok: false, reason: 'X-WC-Webhook-Signature is not base64' };
    const keys = ctx.secrets.map(woocommerceKey);
    return anySignatureMatches('sha256', keys, request.rawBody, [signature])
      ? { ok: true }
      : { ok: false, reason: 'no signature matches' };
  },
  identify(request) {
    return {
      eventId: request.headers['x-wc-webhook-delivery-id'] || undefined,
      eventType: request.headers['x-wc-webhook-topic'] || undefined,
    };
  },
  handshake(request) {
    return isPing(request)
      ? { signed: false, reply: { status: 200, contentType: 'text/plain', body: '' } }
      : undefined;
  },
};
