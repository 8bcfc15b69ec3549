import { createHmac } from 'node:crypto';
import { safeEqual } from '../../verify/compare.ts';

export type HsAlgorithm = 'HS256' | 'HS384' | 'HS512';

const hash: Record<HsAlgorithm, 'sha256' | 'sha384' | 'sha512'> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

export type JwtResult =
  | { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string };

const segment = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** base64url as jose reads it: no padding, no foreign characters, no impossible length. */
function decodeSegment(text: string): Buffer | undefined {
  return segment.test(text) && text.length % 4 !== 1 ? Buffer.from(text, 'base64url') : undefined;
}

function plainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(strictUtf8.decode(bytes));
    return plainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export interface JwtCheck {
  readonly algorithms: readonly HsAlgorithm[];
  /** Strings are used as their UTF-8 bytes (how the plugin secret is issued). */
  readonly secrets: readonly (string | Buffer)[];
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
}

/**
 * Verifies an HMAC-signed compact JWT synchronously, with jose's jwtVerify semantics (the
 * differential oracle): `alg` from the allowed list, signature over the received
 * `header.payload` text, claims a JSON object, `nbf`/`exp` numbers checked with the clock
 * tolerance, `iat` a number when present. Extensions (`crit`) are refused: none is understood.
 */
export function verifyHsJwt(token: string, check: JwtCheck): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWT (3 parts)' };
  const [headerText = '', payloadText = '', signatureText = ''] = parts;
  const headerBytes = decodeSegment(headerText);
  const payloadBytes = decodeSegment(payloadText);
  const signature = decodeSegment(signatureText);
  if (!headerBytes || !payloadBytes || !signature)
    return { ok: false, reason: 'JWT part is not base64url' };
  const header = parseObject(headerBytes);
  if (header === undefined) return { ok: false, reason: 'JWT header is not a JSON object' };
  if (header.crit !== undefined) return { ok: false, reason: 'JWT uses a crit extension' };
  const alg = header.alg;
  if (typeof alg !== 'string' || !(check.algorithms as readonly string[]).includes(alg))
    return { ok: false, reason: `JWT alg ${JSON.stringify(alg)} is not allowed` };
  const signed = Buffer.from(`${headerText}.${payloadText}`, 'ascii');
  let matched = false;
  for (const secret of check.secrets) {
    const expected = createHmac(hash[alg as HsAlgorithm], secret)
      .update(signed)
      .digest();
    if (safeEqual(expected, signature)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'JWT signature matches no secret' };
  const claims = parseObject(payloadBytes);
  if (claims === undefined) return { ok: false, reason: 'JWT claims are not a JSON object' };
  for (const name of ['iat', 'nbf', 'exp'])
    if (claims[name] !== undefined && typeof claims[name] !== 'number')
      return { ok: false, reason: `JWT ${name} is not a number` };
  const { nbf, exp } = claims as { nbf?: number; exp?: number };
  if (nbf !== undefined && nbf > check.nowSeconds + check.toleranceSeconds)
    return { ok: false, reason: 'JWT not valid yet (nbf)' };
  if (exp !== undefined && exp <= check.nowSeconds - check.toleranceSeconds)
    return { ok: false, reason: 'JWT expired (exp)' };
  return { ok: true, claims };
}
