import { createHash } from 'node:crypto';
import { stringAt } from '../domain/json-path.ts';
import type { VerifiedWebhook } from '../verify/verified.ts';

/** A module function, not a closure per call: this runs for every webhook. */
function hashOf(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/**
 * The key a later copy of the same event will have. `auto`: the provider's event id, else a hash
 * of the body. `idAndType`: the event id and the event type together, for providers whose id
 * names an entity that sends several events (Careem's order id, the same while its status goes
 * created → accepted → delivered). Prefixed by kind so an id can never collide with a hash.
 */
export function dedupeKeyFor(rule: string, webhook: VerifiedWebhook): string | null {
  const { request } = webhook;
  if (rule === 'none') return null;
  if (rule === 'body') return hashOf(request.rawBody);
  if (rule === 'auto') return webhook.eventId ? `id:${webhook.eventId}` : hashOf(request.rawBody);
  if (rule === 'idAndType')
    // JSON: an id holding the separator cannot make two pairs one key.
    return webhook.eventId
      ? `idtype:${JSON.stringify([webhook.eventId, webhook.eventType ?? null])}`
      : hashOf(request.rawBody);
  if (rule.startsWith('header:')) {
    const value = request.headers[rule.slice('header:'.length).toLowerCase()];
    return value ? `header:${value}` : hashOf(request.rawBody);
  }
  if (rule.startsWith('json:')) {
    const value = stringAt(request.json(), rule.slice('json:'.length));
    return value ? `json:${value}` : hashOf(request.rawBody);
  }
  throw new Error(`unknown dedupe rule: ${rule}`);
}
