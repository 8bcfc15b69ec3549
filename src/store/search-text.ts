/**
 * The words of body text search, the same on both engines: runs of letters, digits and combining
 * marks (SQLite's FTS5 tokenizer is configured with these categories in migration 0007), so a
 * query's punctuation, quotes, operators (`NEAR`, `*`, `-`), emoji, NUL and lone surrogates are
 * separators, never syntax. A query matches bodies holding its words in order, next to each other.
 */
const word = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** Bytes of each body that are indexed: enough for any id or value, bounded for huge bodies. */
export const indexedBodyBytes = 64 * 1024;
/** Words of a query that are used; more would only narrow a phrase nobody types. */
const maxQueryWords = 32;
/** A word longer than this is not a word anyone searches for (PostgreSQL skips them too). */
const maxWordLength = 256;

/** A query's words, lower-cased; empty when it has none (the caller refuses such a query). */
export function searchWords(q: string): string[] {
  const words = q.toLowerCase().match(word) ?? [];
  return words.filter((w) => w.length <= maxWordLength).slice(0, maxQueryWords);
}

/**
 * An FTS5 query that matches the words as one phrase. Each word is only letters, digits and marks,
 * so inside the double quotes nothing is FTS5 syntax.
 */
export function ftsPhrase(words: readonly string[]): string {
  return `"${words.join(' ')}"`;
}

/**
 * The text PostgreSQL indexes for a body: its first `indexedBodyBytes` decoded as UTF-8 (invalid
 * sequences become U+FFFD, a separator), as the words above joined by spaces, so the document and
 * a query are cut into words by the same rule on both engines.
 */
export function indexText(body: Buffer): string {
  const text = body.subarray(0, indexedBodyBytes).toString('utf8').toLowerCase();
  return (text.match(word) ?? []).filter((w) => w.length <= maxWordLength).join(' ');
}
