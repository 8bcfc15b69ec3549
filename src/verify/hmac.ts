import { createHmac } from 'node:crypto';
import { safeEqual } from './compare.ts';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** HMAC over the parts in order, fed one by one so the body is never copied into a new buffer. */
export function hmac(
  algorithm: HmacAlgorithm,
  key: Buffer | string,
  data: Buffer | readonly Buffer[],
): Buffer {
  const mac = createHmac(algorithm, key);
  if (Buffer.isBuffer(data)) mac.update(data);
  else for (const part of data) mac.update(part);
  return mac.digest();
}

/**
 * True when any secret's HMAC equals any provided signature (rotation on our side, several
 * signatures on the sender's side). Every pair is compared, so the time taken does not tell
 * which secret or signature matched.
 */
export function anySignatureMatches(
  algorithm: HmacAlgorithm,
  keys: readonly (Buffer | string)[],
  data: Buffer | readonly Buffer[],
  provided: readonly Buffer[],
): boolean {
  let matched = false;
  for (const key of keys) {
    const expected = hmac(algorithm, key, data);
    for (const signature of provided) if (safeEqual(expected, signature)) matched = true;
  }
  return matched;
}
