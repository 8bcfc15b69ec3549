import { decodeSignature } from './compare.ts';

/**
 * Decodes a base64 signature only in its canonical form (the one an encoder produces: padded,
 * unused trailing bits zero). Node's decoder ignores those bits, so `…8B8=` and `…8B9=` would
 * decode alike; the platforms' own libraries compare the base64 text and reject the variant.
 */
export function decodeCanonicalBase64(text: string): Buffer {
  const trimmed = text.trim();
  const decoded = decodeSignature(trimmed, 'base64');
  return decoded.length > 0 && decoded.toString('base64') === trimmed ? decoded : Buffer.alloc(0);
}
