import { createHash } from 'node:crypto';
import { stringAt } from '../domain/json-path.ts';
import type { VerifiedWebhook } from '../verify/verified.ts';

/**
 * The key a later copy of the same event will have. `auto`: the provider's event id, else a hash
 * of the body. Prefixed by kind so an id can never collide with a hash.
 */
export function dedupeKeyFor(rule: string, webhook: VerifiedWebhook): string | null {
  const bodyHash = () =>
    `sha256:${createHash('sha256').update(webhook.request.rawBody).digest('hex')}`;
  if (rule === 'none') return null;
  if (rule === 'body') return bodyHash();
  if (rule === 'auto') return webhook.eventId ? `id:${webhook.eventId}` : bodyHash();
  if (rule.startsWith('header:')) {
    const value = webhook.request.headers[rule.slice('header:'.length).toLowerCase()];
    return value ? `header:${value}` : bodyHash();
  }
  if (rule.startsWith('json:')) {
    const value = stringAt(webhook.request.json(), rule.slice('json:'.length));
    return value ? `json:${value}` : bodyHash();
  }
  throw new Error(`unknown dedupe rule: ${rule}`);
}
