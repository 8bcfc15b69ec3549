import { createHash } from 'node:crypto';

/** Longest value kept readable in a stored key (UTF-16 code units); longer ones are hashed. */
export const maxPlainKeyLength = 128;

/**
 * Characters that never stay readable in a stored key: C0 and C1 controls (NUL among them: a
 * PostgreSQL text cannot hold it), DEL, line and paragraph separators and the bidirectional
 * controls (they reorder what an operator reads). An explicit list, not a Unicode property
 * class: a class grows with Unicode versions, and the same value must give the same key on
 * every instance and after every upgrade, or a key's order would split in two.
 */
export const unsafeInKey =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The ordering key as stored: `<source>/<value>`, scoped by source (two platforms' `order_id`s
 * are different entities). A value that is long, holds a lone surrogate or one of the characters
 * above, or starts with `#` is stored as `<source>/#sha256:<base64url>` of its exact UTF-16 code
 * units, so every distinct value stays a distinct key, bounded (at most 64 + 1 + 128 code units)
 * and safe in SQL, logs and JSON. Source names hold no `/` (config/name.ts).
 */
export function orderingKey(source: string, value: string): string {
  const plain =
    value.length <= maxPlainKeyLength &&
    value.isWellFormed() &&
    !value.startsWith('#') &&
    !unsafeInKey.test(value);
  if (plain) return `${source}/${value}`;
  const digest = createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('base64url');
  return `${source}/#sha256:${digest}`;
}
