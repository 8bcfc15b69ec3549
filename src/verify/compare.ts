import { timingSafeEqual } from 'node:crypto';

export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

/** Constant-time equality; different lengths are simply unequal (timingSafeEqual would throw). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const valid: Record<SignatureEncoding, RegExp> = {
  hex: /^(?:[0-9a-fA-F]{2})+$/,
  base64: /^[A-Za-z0-9+/]+={0,2}$/,
  base64url: /^[A-Za-z0-9_-]+={0,2}$/,
};

/**
 * Decodes a signature as sent. Node's decoders skip invalid characters silently, so the text is
 * checked first: a malformed signature decodes to nothing and can never match.
 */
export function decodeSignature(text: string, encoding: SignatureEncoding): Buffer {
  const trimmed = text.trim();
  return valid[encoding].test(trimmed) ? Buffer.from(trimmed, encoding) : Buffer.alloc(0);
}
