import { createHmac } from 'node:crypto';
import { safeEqual } from './compare.ts';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** HMAC over the parts in order, without concatenating them into a new buffer. */
export function hmac(
  algorithm: HmacAlgorithm,
  key: Buffer | string,
  parts: readonly (Buffer | string)[],
): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * True when any secret's HMAC equals any provided signature (rotation on our side, several
 * signatures on the sender's side). Every pair is compared; no early exit on the secret index.
 */
export function anySignatureMatches(
  algorithm: HmacAlgorithm,
  keys: readonly (Buffer | string)[],
  parts: readonly (Buffer | string)[],
  provided: readonly Buffer[],
): boolean {
  let matched = false;
  for (const key of keys) {
    const expected = hmac(algorithm, key, parts);
    for (const signature of provided) if (safeEqual(expected, signature)) matched = true;
  }
  return matched;
}
