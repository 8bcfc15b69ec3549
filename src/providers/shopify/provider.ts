import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

/**
 * Shopify's two header families: classic webhooks (`X-Shopify-*`) and the newer "events"
 * delivery (un-prefixed `shopify-*`). As in @shopify/shopify-api, the events family is used when
 * its HMAC header is sent (non-empty), the classic one otherwise.
 */
function family(request: WebhookRequest): 'shopify-' | 'x-shopify-' {
  return request.headers['shopify-hmac-sha256'] ? 'shopify-' : 'x-shopify-';
}

/**
 * Shopify: `X-Shopify-Hmac-Sha256` (or `shopify-hmac-sha256`) = base64 HMAC-SHA256 of the raw
 * body, keyed with the app's client secret (UTF-8). No timestamp is signed. While a client secret
 * is rotated Shopify signs with either one: configure both.
 */
export const shopify: Provider<Record<string, never>> = {
  name: 'shopify',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['x-shopify-hmac-sha256', 'shopify-hmac-sha256'],
  verify(request, ctx) {
    const name = `${family(request)}hmac-sha256`;
    const header = request.headers[name];
    if (!header) return { ok: false, reason: `missing ${name} header` };
    const signature = decodeSignature(header, 'base64');
    return anySignatureMatches('sha256', ctx.secrets, request.rawBody, [signature])
      ? { ok: true }
      : { ok: false, reason: 'HMAC does not match' };
  },
  identify(request) {
    const prefix = family(request);
    const h = (name: string) => request.headers[prefix + name] || undefined;
    // The webhook id is the same across retries of one delivery; the event id is shared by the
    // deliveries of one event to several subscriptions, so it is only the fallback.
    return { eventId: h('webhook-id') ?? h('event-id'), eventType: h('topic') };
  },
};
