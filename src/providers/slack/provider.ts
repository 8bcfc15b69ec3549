import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { EventIdentity, Provider, WebhookRequest } from '../../verify/types.ts';

/** Slash commands and interactivity post a form; only the Events API posts JSON. */
function formIdentity(request: WebhookRequest): EventIdentity {
  if (!/application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) return {};
  const form = new URLSearchParams(request.rawBody.toString('utf8'));
  const payload = form.get('payload');
  if (payload !== null) {
    // Interactivity: `payload` is JSON with a type such as block_actions or view_submission.
    try {
      return { eventType: textAt(JSON.parse(payload), 'type') };
    } catch {
      return {};
    }
  }
  return { eventType: form.get('command') || undefined };
}

/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<body>`
 * keyed with the signing secret (UTF-8). Slack's docs reject requests more than 5 minutes from
 * now; both directions are checked here. The Events API's `url_verification` is answered with its
 * challenge, after verification (Slack signs it).
 */
export const slack: Provider<Record<string, never>> = {
  name: 'slack',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['x-slack-signature'],
  verify(request, ctx) {
    const header = request.headers['x-slack-signature'];
    const timestamp = request.headers['x-slack-request-timestamp'];
    if (!header) return { ok: false, reason: 'missing X-Slack-Signature header' };
    const seconds = parseUnixSeconds(timestamp);
    if (timestamp === undefined || seconds === undefined)
      return { ok: false, reason: 'missing or malformed X-Slack-Request-Timestamp header' };
    if (!header.startsWith('v0='))
      return { ok: false, reason: 'signature does not start with v0=' };
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const signature = decodeSignature(header.slice('v0='.length), 'hex');
    const signed = [Buffer.from(`v0:${timestamp}:`, 'utf8'), request.rawBody];
    return anySignatureMatches('sha256', ctx.secrets, signed, [signature])
      ? { ok: true }
      : { ok: false, reason: 'no v0 signature matches' };
  },
  identify(request) {
    const body = request.json();
    if (body === undefined) return formIdentity(request);
    // Events API: event_callback carries the inner event's type (message, app_mention…).
    return {
      eventId: textAt(body, 'event_id'),
      eventType: textAt(body, 'event.type') ?? textAt(body, 'type'),
    };
  },
  handshake(request) {
    const body = request.json();
    if (textAt(body, 'type') !== 'url_verification') return undefined;
    const challenge = textAt(body, 'challenge');
    if (challenge === undefined) return undefined;
    return { signed: true, reply: { status: 200, contentType: 'text/plain', body: challenge } };
  },
};
