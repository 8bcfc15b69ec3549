import bytes from 'bytes';
import ms from 'ms';
import { z } from 'zod';

/** A duration: a number of milliseconds or a string such as "500ms", "30s", "1m", "7d". */
export const duration = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const parsed = ms(v as ms.StringValue) as number | undefined;
    if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `not a duration: "${v}" (use e.g. 500ms, 30s, 1m, 7d)`,
      });
      return z.NEVER;
    }
    return parsed;
  });

/**
 * What `bytes` reads exactly. Its parser falls back to parseInt for anything else, so "1zb" would
 * be 1 byte and "5 megabytes" 5: the text is checked against this first.
 */
const sizeText = /^\s*\d+(\.\d+)?\s*(b|kb|mb|gb|tb|pb)?\s*$/i;

/** A size: a number of bytes or a string such as "512kb", "1mb". */
export const size = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const parsed = sizeText.test(v) ? bytes.parse(v) : null;
  if (parsed === null || !Number.isSafeInteger(parsed) || parsed <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `not a size: "${v}" (use a number of bytes, or b, kb, mb, gb, e.g. 512kb, 1mb)`,
    });
    return z.NEVER;
  }
  return parsed;
});
