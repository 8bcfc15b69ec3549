import { z } from 'zod';
import { textAt, stringAt } from '../../domain/json-path.ts';
import type { EventIdentity, Provider, WebhookRequest } from '../../verify/types.ts';
import { verifyHsJwt } from './jwt.ts';

const options = z.strictObject({
  /** HMAC algorithms accepted in the JWT header (Delivery Hero is reported to use HS512). */
  algorithms: z
    .array(z.enum(['HS256', 'HS384', 'HS512']))
    .min(1)
    .default(['HS256', 'HS384', 'HS512']),
  /** When set, the JWT must carry `"service": <this>` (Delivery Hero sends `middleware`). */
  service: z.string().min(1).optional(),
  /** Refuse tokens without `exp` (they never expire, so a leaked one works forever). */
  requireExpiry: z.boolean().default(false),
});

export type TalabatOptions = z.output<typeof options>;

const orderPath = /^\/order\/([^/]+)\/?$/;
const statusPath = /^\/remoteId\/([^/]+)\/remoteOrder\/([^/]+)\/posOrderStatus\/?$/;
const availabilityPath = /^\/remoteId\/([^/]+)\/availability\/?$/;

/** The bearer token, or undefined when the header is not `Bearer <token>`. */
function bearer(request: WebhookRequest): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Order dispatch (`POST /order/{remoteId}`): the order `token` (unique per order; `code`, the
 * short human code, as a fallback). Status update (`PUT /remoteId/{remoteId}/remoteOrder/
 * {remoteOrderId}/posOrderStatus`): `<remoteOrderId>:<status>`, so a cancellation after a
 * pick-up is not taken for a duplicate of it.
 */
export function identifyTalabat(request: WebhookRequest): EventIdentity {
  const body = request.json();
  const path = request.subpath.split('?')[0] ?? '';
  const status = statusPath.exec(path);
  if (status) {
    const state = textAt(body, 'status');
    const remoteOrderId = decodeSegment(status[2] ?? '');
    return {
      eventId: state === undefined ? undefined : `${remoteOrderId}:${state}`,
      eventType: state === undefined ? 'order.status' : `order.status.${state}`,
    };
  }
  if (availabilityPath.test(path)) return { eventType: 'vendor.availability' };
  if (orderPath.test(path) || textAt(body, 'token') !== undefined)
    return {
      eventId: stringAt(body, 'token') ?? stringAt(body, 'code'),
      eventType: 'order.dispatch',
    };
  return {};
}

/**
 * Talabat and the other Delivery Hero platforms (POS plugin API): `Authorization: Bearer <JWT>`,
 * HS256/384/512-signed with the plugin secret. The body is NOT signed: the token proves the
 * sender, not the payload. `exp` is enforced when present, with toleranceSeconds of clock skew.
 */
export const talabat: Provider<TalabatOptions> = {
  name: 'talabat',
  defaultToleranceSeconds: 60,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['authorization'],
  verify(request, ctx) {
    if (!request.headers.authorization)
      return { ok: false, reason: 'missing Authorization header' };
    const token = bearer(request);
    if (token === undefined) return { ok: false, reason: 'Authorization is not Bearer <JWT>' };
    const result = verifyHsJwt(token, {
      algorithms: ctx.options.algorithms,
      secrets: ctx.secrets,
      nowSeconds: Math.floor(ctx.now / 1000),
      toleranceSeconds: ctx.toleranceSeconds,
    });
    if (!result.ok) return result;
    if (ctx.options.requireExpiry && result.claims.exp === undefined)
      return { ok: false, reason: 'JWT has no exp and requireExpiry is set' };
    const service = ctx.options.service;
    if (service !== undefined && result.claims.service !== service)
      return { ok: false, reason: `JWT service claim is not "${service}"` };
    return { ok: true };
  },
  identify: identifyTalabat,
  // The dispatch is answered within the request with our own stable id as the remote order id,
  // so Talabat never waits for the backend; a repeat gets the same id.
  reply(request, stored) {
    if (!orderPath.test(request.subpath.split('?')[0] ?? '')) return undefined;
    return {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ remoteResponse: { remoteOrderId: stored.eventId } }),
    };
  },
};
