/**
 * Text as both engines store it: a lone UTF-16 surrogate becomes U+FFFD. An id or type read from
 * a signed JSON body can hold one ("\ud800" is valid JSON); SQLite would store it as bytes that
 * are not UTF-8, and PostgreSQL's json parameter rejects it, failing the whole batch.
 */
export function wellFormed<T extends string | null>(s: T): T {
  return (s === null || s.isWellFormed() ? s : s.toWellFormed()) as T;
}

/** A string map's keys and values as both engines store them. */
export function wellFormedValues(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [wellFormed(k), wellFormed(v)]));
}
