import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { keyCache } from '../../verify/key-cache.ts';
import { textAt } from '../../domain/json-path.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

/** The application public key as the Developer Portal shows it: 32 bytes, hex. */
export const discordPublicKey = keyCache<KeyObject>((hex) => {
  const raw = decodeSignature(hex, 'hex');
  if (raw.length !== 32) return null;
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
});

/** discord-interactions' InteractionType, lower-cased, for event types. */
const interactionTypes: Record<number, string> = {
  1: 'ping',
  2: 'application_command',
  3: 'message_component',
  4: 'application_command_autocomplete',
  5: 'modal_submit',
};

type Body = Record<string, unknown>;

function jsonObject(request: WebhookRequest): Body | undefined {
  const body = request.json();
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Body)
    : undefined;
}

/**
 * Webhook events (`{version, application_id, type: 0|1, event?}`) and interactions
 * (`{id, token, type: 1..5, …}`) may share a URL: an event has no `id` and no `token`, and its
 * type-1 form carries an `event` object.
 */
function isWebhookEvent(body: Body): boolean {
  return (
    body.type === 0 || (body.type === 1 && typeof body.event === 'object' && !('token' in body))
  );
}

/**
 * Discord interactions and webhook events: Ed25519 over `<X-Signature-Timestamp><raw body>`,
 * signature hex in `X-Signature-Ed25519`, verified with the application's public key (the
 * source's secret). Discord documents no replay window: the timestamp is checked only when the
 * source sets toleranceSeconds (0, the default, means not checked).
 */
export const discord: Provider<Record<string, never>> = {
  name: 'discord',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['x-signature-ed25519'],
  verify(request, ctx) {
    const signatureHex = request.headers['x-signature-ed25519'];
    const timestamp = request.headers['x-signature-timestamp'];
    if (!signatureHex || !timestamp)
      return { ok: false, reason: 'missing X-Signature-Ed25519 or X-Signature-Timestamp' };
    const signature = decodeSignature(signatureHex, 'hex');
    if (signature.length !== 64)
      return { ok: false, reason: 'X-Signature-Ed25519 is not 64 bytes of hex' };
    if (ctx.toleranceSeconds > 0) {
      const seconds = parseUnixSeconds(timestamp);
      if (seconds === undefined) return { ok: false, reason: 'malformed X-Signature-Timestamp' };
      if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
        return { ok: false, reason: 'timestamp outside tolerance' };
    }
    const keys = ctx.secrets.map(discordPublicKey).filter((k) => k !== null);
    if (keys.length === 0) return { ok: false, reason: 'no secret is a 32-byte hex public key' };
    const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.rawBody]);
    let matched = false;
    for (const key of keys) if (verifySignature(null, message, key, signature)) matched = true;
    return matched ? { ok: true } : { ok: false, reason: 'signature does not verify' };
  },
  identify(request) {
    const body = jsonObject(request);
    if (body === undefined) return {};
    if (isWebhookEvent(body)) return { eventType: textAt(body, 'event.type') };
    const type = typeof body.type === 'number' ? body.type : undefined;
    if (type === undefined) return { eventId: textAt(body, 'id') };
    const name = textAt(body, 'data.name');
    const base = `interaction.${interactionTypes[type] ?? String(type)}`;
    return {
      eventId: textAt(body, 'id'),
      eventType: (type === 2 || type === 4) && name !== undefined ? `${base}.${name}` : base,
    };
  },
  handshake(request) {
    const body = jsonObject(request);
    if (body === undefined) return undefined;
    // Interactions PING → PONG (`{"type":1}`), what verifyKeyMiddleware answers.
    if (body.type === 1 && !isWebhookEvent(body))
      return {
        signed: true,
        reply: { status: 200, contentType: 'application/json', body: '{"type":1}' },
      };
    // Webhook events PING (type 0) → 204 with no body, what verifyWebhookEventMiddleware answers.
    if (body.type === 0)
      return { signed: true, reply: { status: 204, contentType: 'text/plain', body: '' } };
    return undefined;
  },
};
