/**
 * Text as both engines store it: a lone UTF-16 surrogate and NUL become U+FFFD. An id or type
 * read from a signed JSON body can hold either ("\ud800" and "\u0000" are valid JSON): SQLite
 * would store a lone surrogate as bytes that are not UTF-8, and a PostgreSQL text (or json
 * parameter) refuses both, failing the whole batch. Bodies are bytes (bytea/blob): never changed.
 */
export function wellFormed<T extends string | null>(s: T): T {
  if (s === null) return s;
  const text = s.isWellFormed() ? s : s.toWellFormed();
  return (text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text) as T;
}

/** A string map's keys and values as both engines store them. */
export function wellFormedValues(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [wellFormed(k), wellFormed(v)]));
}
