import { z } from 'zod';
import { textAt } from '../../domain/json-path.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';
import { verifyStandardWebhook, type StandardHeaders } from './signature.ts';

export { standardWebhooksKey, standardWebhooksPublicKey } from './signature.ts';

/**
 * The three headers, each under its Svix name if sent, else its Standard Webhooks name: the
 * svix library does the same, header by header (`svix-id ?? webhook-id`).
 */
export function standardHeaders(request: WebhookRequest): StandardHeaders {
  const h = request.headers;
  return {
    id: h['svix-id'] ?? h['webhook-id'],
    timestamp: h['svix-timestamp'] ?? h['webhook-timestamp'],
    signature: h['svix-signature'] ?? h['webhook-signature'],
  };
}

/**
 * Standard Webhooks / Svix: `webhook-signature` is a space-separated list of `v1,<base64>`
 * (HMAC-SHA256 of `<id>.<timestamp>.<body>`, key = the base64 after `whsec_`) and `v1a,<base64>`
 * (Ed25519 over the same bytes, checked with a `whpk_` public key configured as a secret) entries;
 * several during key rotation. The timestamp must be within the tolerance both ways, as in the
 * spec's libraries.
 */
export const standardWebhooks: Provider<Record<string, never>> = {
  name: 'standard-webhooks',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['webhook-signature', 'svix-signature'],
  verify(request, ctx) {
    return verifyStandardWebhook(standardHeaders(request), request.rawBody, ctx);
  },
  identify(request) {
    return {
      eventId: standardHeaders(request).id || undefined,
      eventType: textAt(request.json(), 'type'),
    };
  },
};
