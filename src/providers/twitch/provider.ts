import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import { withinTolerance } from '../../verify/timestamp.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';
import { parseRfc3339Seconds } from './rfc3339.ts';

const header = (request: WebhookRequest, name: string) =>
  request.headers[`twitch-eventsub-${name}`] || undefined;

/**
 * Twitch EventSub (webhook transport): `Twitch-Eventsub-Message-Signature: sha256=<hex>`,
 * HMAC-SHA256 keyed with the subscription's secret of `<message id><timestamp><body>`, the
 * timestamp header used verbatim. Twitch says to drop messages older than 10 minutes; a
 * timestamp more than 10 minutes ahead is rejected too. `webhook_callback_verification` is
 * answered with its challenge; `revocation` is an ordinary event.
 */
export const twitchEventSub: Provider<Record<string, never>> = {
  name: 'twitch',
  defaultToleranceSeconds: 600,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['twitch-eventsub-message-signature'],
  verify(request, ctx) {
    const id = header(request, 'message-id');
    const timestamp = header(request, 'message-timestamp');
    const signature = header(request, 'message-signature');
    if (!id || !timestamp || !signature)
      return { ok: false, reason: 'missing Twitch-Eventsub-Message-Id, -Timestamp or -Signature' };
    if (!signature.startsWith('sha256='))
      return { ok: false, reason: 'signature does not start with sha256=' };
    const seconds = parseRfc3339Seconds(timestamp);
    if (seconds === undefined)
      return { ok: false, reason: 'malformed Twitch-Eventsub-Message-Timestamp' };
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const signed = [Buffer.from(id + timestamp, 'utf8'), request.rawBody];
    const provided = decodeSignature(signature.slice('sha256='.length), 'hex');
    return anySignatureMatches('sha256', ctx.secrets, signed, [provided])
      ? { ok: true }
      : { ok: false, reason: 'no sha256 signature matches' };
  },
  identify(request) {
    const type = header(request, 'message-type');
    return {
      eventId: header(request, 'message-id'),
      eventType: type === 'notification' ? header(request, 'subscription-type') : type,
    };
  },
  handshake(request) {
    if (header(request, 'message-type') !== 'webhook_callback_verification') return undefined;
    const challenge = textAt(request.json(), 'challenge');
    return {
      signed: true,
      reply:
        challenge === undefined
          ? { status: 400, contentType: 'text/plain', body: 'missing challenge' }
          : { status: 200, contentType: 'text/plain', body: challenge },
    };
  },
};
