import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches, type HmacAlgorithm } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

const options = z.strictObject({
  /**
   * Accept the legacy `X-Hub-Signature: sha1=…` when `X-Hub-Signature-256` is absent. Off by
   * default: github.com and current GitHub Enterprise Server always send SHA-256, so only old or
   * third-party senders need SHA-1, and a request carrying only SHA-1 is otherwise suspect.
   */
  allowSha1: z.boolean().default(false),
});

export type GithubOptions = z.output<typeof options>;

type Picked = { algorithm: HmacAlgorithm; header: string; prefix: string } | { refused: string };

/** The header to check: SHA-256 whenever it is present (even empty), SHA-1 only without it. */
function pickSignature(request: WebhookRequest, o: GithubOptions): Picked | undefined {
  const sha256 = request.headers['x-hub-signature-256'];
  if (sha256 !== undefined) return { algorithm: 'sha256', header: sha256, prefix: 'sha256=' };
  const sha1 = request.headers['x-hub-signature'];
  if (sha1 === undefined) return undefined;
  if (!o.allowSha1)
    return { refused: 'only the legacy X-Hub-Signature (sha1) was sent and allowSha1 is off' };
  return { algorithm: 'sha1', header: sha1, prefix: 'sha1=' };
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` of the body, keyed with the secret's UTF-8 bytes.
 * The legacy SHA-1 header is used only when the SHA-256 one is absent and `allowSha1` is set: a
 * wrong SHA-256 never falls back to SHA-1, or an attacker could strip the stronger header to
 * force the weaker one. No timestamp; replays are caught by deduplication on X-GitHub-Delivery.
 */
export const github: Provider<GithubOptions> = {
  name: 'github',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['x-hub-signature', 'x-hub-signature-256'],
  verify(request, ctx) {
    const picked = pickSignature(request, ctx.options);
    if (picked === undefined) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
    if ('refused' in picked) return { ok: false, reason: picked.refused };
    const { algorithm, header, prefix } = picked;
    if (!header.startsWith(prefix))
      return { ok: false, reason: `signature does not start with ${prefix}` };
    const signature = decodeSignature(header.slice(prefix.length), 'hex');
    return anySignatureMatches(algorithm, ctx.secrets, request.rawBody, [signature])
      ? { ok: true }
      : { ok: false, reason: `no ${algorithm} signature matches` };
  },
  identify(request) {
    const event = request.headers['x-github-event'] || undefined;
    const action = event === undefined ? undefined : textAt(request.json(), 'action');
    return {
      eventId: request.headers['x-github-delivery'] || undefined,
      eventType: event !== undefined && action !== undefined ? `${event}.${action}` : event,
    };
  },
};
