/**
 * The Standard Webhooks check itself, shared by `standard-webhooks` and GitLab's signing token:
 * `v1` (HMAC-SHA256 with a `whsec_` secret) and `v1a` (Ed25519 with a `whpk_` public key), over
 * `<id>.<timestamp>.<body>`.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeStrict, standardWebhooksKey } from '../../signing/standard-webhooks.ts';
import { decodeSignature } from '../../verify/compare.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { parseUnixSeconds, withinTolerance } from '../../verify/timestamp.ts';
import type { VerifyResult } from '../../verify/types.ts';

export { standardWebhooksKey };

export interface StandardHeaders {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

export interface StandardCheck {
  readonly now: number;
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
}

/** `whpk_<base64 of the raw 32-byte Ed25519 public key>` → the key, else undefined. */
export function standardWebhooksPublicKey(secret: string): KeyObject | undefined {
  if (!secret.startsWith('whpk_')) return undefined;
  const raw = decodeStrict(secret.slice('whpk_'.length));
  if (raw?.length !== 32) return undefined;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined; // not a point on the curve
  }
}

/** The `v1,` and `v1a,` entries of the space-separated signature list, decoded. */
function entries(header: string): { v1: Buffer[]; v1a: Buffer[] } {
  const v1: Buffer[] = [];
  const v1a: Buffer[] = [];
  for (const entry of header.split(' ')) {
    if (entry.startsWith('v1,')) v1.push(decodeSignature(entry.slice('v1,'.length), 'base64'));
    else if (entry.startsWith('v1a,'))
      v1a.push(decodeSignature(entry.slice('v1a,'.length), 'base64'));
  }
  return { v1, v1a };
}

/**
 * Verifies the three headers against the body. Every `v1` entry is tried with every `whsec_`
 * secret and every `v1a` entry with every `whpk_` key (rotation on either side); other versions
 * are skipped. The timestamp is the header text as sent, checked within the tolerance both ways.
 */
export function verifyStandardWebhook(
  headers: StandardHeaders,
  rawBody: Buffer,
  check: StandardCheck,
): VerifyResult {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature)
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === undefined) return { ok: false, reason: 'malformed webhook-timestamp' };
  if (!withinTolerance(seconds, check.now, check.toleranceSeconds))
    return { ok: false, reason: 'timestamp outside tolerance' };
  const { v1, v1a } = entries(signature);
  if (v1.length === 0 && v1a.length === 0) return { ok: false, reason: 'no v1 or v1a signature' };
  const hmacKeys = check.secrets.map(standardWebhooksKey).filter((k) => k !== undefined);
  const publicKeys = check.secrets.map(standardWebhooksPublicKey).filter((k) => k !== undefined);
  if (hmacKeys.length === 0 && publicKeys.length === 0)
    return { ok: false, reason: 'no secret is a valid whsec_<base64> or whpk_<base64> key' };
  const prefix = Buffer.from(`${id}.${timestamp}.`, 'utf8');
  let matched = v1.length > 0 && anySignatureMatches('sha256', hmacKeys, [prefix, rawBody], v1);
  if (v1a.length > 0 && publicKeys.length > 0) {
    const signed = Buffer.concat([prefix, rawBody]);
    for (const key of publicKeys)
      for (const sig of v1a)
        if (sig.length === 64 && verifySignature(null, signed, key, sig)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'no signature matches' };
}
