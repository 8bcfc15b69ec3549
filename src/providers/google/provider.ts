import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

const options = z.strictObject({
  /** Channel ids you created (`files.watch` / `events.watch` `id`); empty: any channel. */
  channelIds: z.array(z.string().min(1)).default([]),
});

export type GoogleOptions = z.output<typeof options>;

const header = (request: WebhookRequest, name: string) =>
  request.headers[`x-goog-${name}`] || undefined;

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameToken(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Google Drive / Calendar push channels: nothing is signed. The channel token chosen when the
 * channel was created comes back in `X-Goog-Channel-Token` and is compared, in constant time, with
 * the source's secrets; the channel id may be restricted too. The first `sync` message is
 * answered 200 and stored, never delivered.
 */
export const google: Provider<GoogleOptions> = {
  name: 'google',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['x-goog-channel-token'],
  verify(request, ctx) {
    const token = header(request, 'channel-token');
    const channelId = header(request, 'channel-id');
    if (!channelId) return { ok: false, reason: 'missing X-Goog-Channel-ID header' };
    if (!token) return { ok: false, reason: 'missing X-Goog-Channel-Token header' };
    const allowed = ctx.options.channelIds;
    if (allowed.length > 0 && !allowed.includes(channelId))
      return { ok: false, reason: `channel ${channelId} is not in channelIds` };
    let matched = false;
    for (const secret of ctx.secrets) if (sameToken(token, secret)) matched = true;
    return matched ? { ok: true } : { ok: false, reason: 'X-Goog-Channel-Token does not match' };
  },
  identify(request) {
    const channelId = header(request, 'channel-id');
    const number = header(request, 'message-number');
    return {
      // The message number grows per channel: with the channel id it names one notification.
      eventId:
        channelId !== undefined && number !== undefined ? `${channelId}:${number}` : undefined,
      eventType: header(request, 'resource-state'),
    };
  },
  handshake(request) {
    return header(request, 'resource-state') === 'sync'
      ? { signed: true, reply: { status: 200, contentType: 'text/plain', body: '' } }
      : undefined;
  },
};
