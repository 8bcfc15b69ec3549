import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt, valueAt } from '../../domain/json-path.ts';
import type { Provider } from '../../verify/types.ts';

/**
 * Linear: `Linear-Signature: <hex>` = HMAC-SHA256 of the raw body, keyed with the webhook's
 * signing secret (UTF-8). The timestamp is `webhookTimestamp` (milliseconds) inside the signed
 * body; it must be a JSON number within the tolerance (60 s) of now, both ways, as in @linear/sdk.
 * The `Linear-Timestamp` header is not signed and is ignored (the SDK ignores it too).
 */
export const linear: Provider<Record<string, never>> = {
  name: 'linear',
  defaultToleranceSeconds: 60,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['linear-signature'],
  verify(request, ctx) {
    const header = request.headers['linear-signature'];
    if (!header) return { ok: false, reason: 'missing Linear-Signature header' };
    const signature = decodeSignature(header, 'hex');
    if (!anySignatureMatches('sha256', ctx.secrets, request.rawBody, [signature]))
      return { ok: false, reason: 'signature does not match' };
    const timestamp = valueAt(request.json(), 'webhookTimestamp');
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp))
      return { ok: false, reason: 'no numeric webhookTimestamp in the body' };
    // Milliseconds, compared unrounded, as the SDK does.
    if (Math.abs(ctx.now - timestamp) > ctx.toleranceSeconds * 1000)
      return { ok: false, reason: 'webhookTimestamp outside tolerance' };
    return { ok: true };
  },
  identify(request) {
    const body = request.json();
    const type = request.headers['linear-event'] || textAt(body, 'type');
    const action = type === undefined ? undefined : textAt(body, 'action');
    return {
      eventId: request.headers['linear-delivery'] || undefined,
      eventType: type !== undefined && action !== undefined ? `${type}.${action}` : type,
    };
  },
};
