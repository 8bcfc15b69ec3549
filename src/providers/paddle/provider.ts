import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { Provider } from '../../verify/types.ts';

interface PaddleHeader {
  readonly timestamp: string | undefined;
  readonly signatures: readonly Buffer[];
}

/** `ts=…;h1=…[;h1=…]`: the last ts wins (as in the SDK); EVERY h1 is a candidate. */
function parseHeader(header: string): PaddleHeader {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const item of header.split(';')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 'ts') timestamp = value;
    else if (key === 'h1') signatures.push(decodeSignature(value, 'hex'));
  }
  return { timestamp, signatures };
}

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 of
 * `<ts>:<body>` keyed with the whole endpoint secret (`pdl_ntfset_…`). Paddle sends several h1
 * while a secret rotates; any one may match. Tolerance 5 s (Paddle's SDK), both directions.
 */
export const paddle: Provider<Record<string, never>> = {
  name: 'paddle',
  defaultToleranceSeconds: 5,
  requiresSecret: true,
  optionsSchema: z.strictObject({}),
  credentialHeaders: () => ['paddle-signature'],
  verify(request, ctx) {
    const header = request.headers['paddle-signature'];
    if (!header) return { ok: false, reason: 'missing Paddle-Signature header' };
    const { timestamp, signatures } = parseHeader(header);
    const seconds = parseUnixSeconds(timestamp);
    if (timestamp === undefined || seconds === undefined)
      return { ok: false, reason: 'no valid ts= in Paddle-Signature' };
    if (signatures.length === 0) return { ok: false, reason: 'no h1= in Paddle-Signature' };
    if (!withinTolerance(seconds, ctx.now, ctx.toleranceSeconds))
      return { ok: false, reason: 'timestamp outside tolerance' };
    const signed = [Buffer.from(`${timestamp}:`, 'utf8'), request.rawBody];
    return anySignatureMatches('sha256', ctx.secrets, signed, signatures)
      ? { ok: true }
      : { ok: false, reason: 'no h1 signature matches' };
  },
  identify(request) {
    const body = request.json();
    return { eventId: textAt(body, 'event_id'), eventType: textAt(body, 'event_type') };
  },
};
