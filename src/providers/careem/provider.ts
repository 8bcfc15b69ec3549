import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt, stringAt } from '../../domain/json-path.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

// Careem does not publish its signing scheme: the defaults are the seed's `x-careem-signature`
// (hex HMAC-SHA256 of the raw body); everything is overridable once the partner docs say more.
const options = z.strictObject({
  header: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'not a header name')
    .transform((h) => h.toLowerCase())
    .default('x-careem-signature'),
  algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** Text before the signature, e.g. `sha256=`. */
  prefix: z.string().default(''),
});

export type CareemOptions = z.output<typeof options>;

/** The order id: `order_id` (seed 000's payload) or `id` (seed 001's `CR…`). */
function orderId(body: unknown): string | undefined {
  return stringAt(body, 'order_id') ?? stringAt(body, 'id');
}

/**
 * The event type: an explicit `event`/`event_type` as sent; else `order.<status>` (seed 001:
 * `"status": "created"` → `order.created`); a bare order (seed 000) is `order.created`.
 */
function eventType(request: WebhookRequest): string | undefined {
  const body = request.json();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const explicit = textAt(body, 'event') ?? textAt(body, 'event_type');
  if (explicit !== undefined) return explicit;
  const status = textAt(body, 'status');
  return `order.${status?.toLowerCase() ?? 'created'}`;
}

/** Careem NOW / Careem POS order webhooks: an HMAC of the raw body in one header. */
export const careem: Provider<CareemOptions> = {
  name: 'careem',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: (o) => [o.header],
  verify(request, ctx) {
    const o = ctx.options;
    const header = request.headers[o.header]?.trim();
    if (!header) return { ok: false, reason: `missing ${o.header} header` };
    if (!header.startsWith(o.prefix))
      return { ok: false, reason: `${o.header} does not start with "${o.prefix}"` };
    const signature = decodeSignature(header.slice(o.prefix.length), o.encoding);
    if (signature.length === 0) return { ok: false, reason: `${o.header} is not ${o.encoding}` };
    return anySignatureMatches(o.algorithm, ctx.secrets, request.rawBody, [signature])
      ? { ok: true }
      : { ok: false, reason: 'signature does not match' };
  },
  identify(request) {
    return { eventId: orderId(request.json()), eventType: eventType(request) };
  },
};
