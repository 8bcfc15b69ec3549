import { z } from 'zod';
import { stringAt } from '../domain/json-path.ts';
import { decodeSignature } from '../verify/compare.ts';
import { anySignatureMatches } from '../verify/hmac.ts';
import type { Provider } from '../verify/types.ts';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` of the body. The legacy SHA-1 header is used only
 * when the SHA-256 one is absent; a wrong SHA-256 never falls back to SHA-1 (downgrade).
 */
export const github: Provider<Record<string, never>> = {
  name: 'github',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  verify(request, ctx) {
    const sha256 = request.headers['x-hub-signature-256'];
    const sha1 = request.headers['x-hub-signature'];
    const [algorithm, header, prefix] =
      sha256 !== undefined
        ? (['sha256', sha256, 'sha256='] as const)
        : (['sha1', sha1, 'sha1='] as const);
    if (header === undefined) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
    if (!header.startsWith(prefix))
      return { ok: false, reason: `signature does not start with ${prefix}` };
    const signature = decodeSignature(header.slice(prefix.length), 'hex');
    return anySignatureMatches(algorithm, ctx.secrets, [request.rawBody], [signature])
      ? { ok: true }
      : { ok: false, reason: `no ${algorithm} signature matches` };
  },
  identify(request) {
    const event = request.headers['x-github-event'];
    const action = event === undefined ? undefined : stringAt(request.json(), 'action');
    return {
      eventId: request.headers['x-github-delivery'] || undefined,
      eventType: event && action ? `${event}.${action}` : event || undefined,
    };
  },
};
