import { z } from 'zod';
import { textAt } from '../../domain/json-path.ts';
import { tokenMatches } from '../../verify/token-compare.ts';
import type { Provider } from '../../verify/types.ts';
import { verifyStandardWebhook } from '../standard-webhooks/signature.ts';

const options = z.strictObject({
  /**
   * Refuse requests that carry only the plain `X-Gitlab-Token`. Set it once the hook has a
   * signing token: the plain token travels with every request, the signing token never does.
   */
  requireSignature: z.boolean().default(false),
});

export type GitlabOptions = z.output<typeof options>;

/**
 * GitLab. With a signing token (`whsec_…`), requests carry Standard Webhooks headers
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`) and are verified that way,
 * ±300 s. Without one, `X-Gitlab-Token` carries the configured secret token in plain text and is
 * compared (constant time) with each secret. When `webhook-signature` is present the token is not
 * looked at: a bad signature is never rescued by a good token.
 */
export const gitlab: Provider<GitlabOptions> = {
  name: 'gitlab',
  // Used only by the signed variant; the plain token has no timestamp.
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['x-gitlab-token', 'webhook-signature'],
  verify(request, ctx) {
    const h = request.headers;
    if (h['webhook-signature'] !== undefined) {
      const headers = {
        id: h['webhook-id'],
        timestamp: h['webhook-timestamp'],
        signature: h['webhook-signature'],
      };
      return verifyStandardWebhook(headers, request.rawBody, ctx);
    }
    if (ctx.options.requireSignature)
      return { ok: false, reason: 'missing webhook-signature (requireSignature is on)' };
    const token = h['x-gitlab-token'];
    if (!token)
      return { ok: false, reason: 'missing X-Gitlab-Token and webhook-signature headers' };
    return tokenMatches(token, ctx.secrets)
      ? { ok: true }
      : { ok: false, reason: 'X-Gitlab-Token matches no secret' };
  },
  identify(request) {
    const h = request.headers;
    // Idempotency-Key stays the same across retries of one delivery (webhook-id is the same
    // value). X-Gitlab-Event-UUID is shared by every hook an event triggers, and by events
    // triggered in turn (recursion detection): only a fallback for GitLab versions without it.
    const eventId =
      h['idempotency-key'] || h['webhook-id'] || h['x-gitlab-event-uuid'] || undefined;
    const eventType = h['x-gitlab-event'] || textAt(request.json(), 'object_kind');
    return { eventId, eventType };
  },
};
