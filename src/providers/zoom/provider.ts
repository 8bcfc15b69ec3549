import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { decodeSignature, safeEqual } from '../../verify/compare.ts';
import { hmac, anySignatureMatches } from '../../verify/hmac.ts';
import { stringAt, textAt } from '../../domain/json-path.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { Provider, VerifyContext, WebhookRequest } from '../../verify/types.ts';

const options = z.strictObject({
  /**
   * Also accept a signature over `JSON.stringify(JSON.parse(body))`, which is what Zoom's Rivet
   * SDK checks. Off: the raw bytes are what Zoom signs, and a re-serialised form lets bodies that
   * differ in bytes (duplicate keys, escapes) share one signature.
   */
  allowReserializedBody: z.boolean().default(false),
});

export type ZoomOptions = z.output<typeof options>;

/** The bodies a signature may cover: the raw bytes, then (opt-in) Rivet's re-serialisation. */
function signedBodies(request: WebhookRequest, o: ZoomOptions): Buffer[] {
  const bodies = [request.rawBody];
  if (o.allowReserializedBody) {
    const parsed = request.json();
    if (parsed !== undefined) {
      const again = Buffer.from(JSON.stringify(parsed), 'utf8');
      if (!again.equals(request.rawBody)) bodies.push(again);
    }
  }
  return bodies;
}

/** The secret whose signature matches (handshake replies must use Zoom's secret). */
function matchingSecret(request: WebhookRequest, ctx: VerifyContext<ZoomOptions>) {
  const timestamp = request.headers['x-zm-request-timestamp'] ?? '';
  const header = request.headers['x-zm-signature'] ?? '';
  const signature = header.startsWith('v0=') ? decodeSignature(header.slice(3), 'hex') : undefined;
  if (signature === undefined) return undefined;
  for (const secret of ctx.secrets)
    for (const body of signedBodies(request, ctx.options))
      if (safeEqual(hmac('sha256', secret, [Buffer.from(`v0:${timestamp}:`), body]), signature))
        return secret;
  return undefined;
}

/**
 * Zoom: `x-zm-signature: v0=<hex>`, HMAC-SHA256 keyed with the app's Secret Token of
 * `v0:<x-zm-request-timestamp>:<body>`. Timestamp within 300 s both ways. The
 * `endpoint.url_validation` check (signed too) is answered with the plain token and its HMAC.
 */
export const zoom: Provider<ZoomOptions> = {
  name: 'zoom',
  defaultToleranceSeconds: 300,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['x-zm-signature'],
  verify(request, ctx) {
    const header = request.headers['x-zm-signature'];
    const timestamp = request.headers['x-zm-request-timestamp'];
    if (!header) return { ok: false, reason: 'missing x-zm-signature header' };
    if (!header.startsWith('v0='))
      return { ok: false, reason: 'x-zm-signature does not start with v0=' };
    const seconds = parseUnixSeconds(timestamp);
    if (timestamp === undefined || seconds === undefined)
      return { ok: false, reason: 'missing or malformed x-zm-request-timestamp header' };
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const signature = decodeSignature(header.slice('v0='.length), 'hex');
    const prefix = Buffer.from(`v0:${timestamp}:`, 'utf8');
    for (const body of signedBodies(request, ctx.options))
      if (anySignatureMatches('sha256', ctx.secrets, [prefix, body], [signature]))
        return { ok: true };
    return { ok: false, reason: 'no v0 signature matches' };
  },
  identify(request) {
    const body = request.json();
    const event = textAt(body, 'event');
    const eventTs = stringAt(body, 'event_ts');
    const object = stringAt(body, 'payload.object.uuid') ?? stringAt(body, 'payload.object.id');
    // Zoom has no event id; event, event_ts (ms) and the object are the same on every retry.
    const eventId =
      event !== undefined && eventTs !== undefined
        ? [event, eventTs, ...(object === undefined ? [] : [object])].join(':')
        : undefined;
    return { eventId, eventType: event };
  },
  handshake(request, ctx) {
    const body = request.json();
    if (textAt(body, 'event') !== 'endpoint.url_validation') return undefined;
    const plainToken = textAt(body, 'payload.plainToken');
    if (plainToken === undefined)
      return {
        signed: true,
        reply: { status: 400, contentType: 'text/plain', body: 'missing payload.plainToken' },
      };
    const secret = matchingSecret(request, ctx) ?? ctx.secrets[0] ?? '';
    const encryptedToken = createHmac('sha256', secret).update(plainToken, 'utf8').digest('hex');
    return {
      signed: true,
      reply: {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ plainToken, encryptedToken }),
      },
    };
  },
};
