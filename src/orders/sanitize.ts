import sanitizeHtml from 'sanitize-html';

/**
 * Every string of a provider payload becomes plain text: tags removed with their text kept,
 * `<script>`/`<style>` removed with their content, NUL bytes removed. Arabic and other text is
 * untouched. The result is text, not HTML: `&` stays `&` (the backend escapes on display).
 */

const noTags: sanitizeHtml.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  disallowedTagsMode: 'discard',
};

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };
const escapedEntity = /&(?:amp|lt|gt|quot);/g;

// Enough for any nesting an attacker can build in one value; bounded so it always ends.
const maxPasses = 5;

/**
 * One value as plain text. sanitize-html returns HTML-escaped text; it is unescaped back, and
 * run again until stable so an entity-encoded tag (`&lt;script&gt;`) cannot come out as a tag.
 */
export function sanitizeText(value: string): string {
  let current = value.replace(/\0/g, '');
  for (let pass = 0; pass < maxPasses; pass++) {
    const next = sanitizeHtml(current, noTags).replace(escapedEntity, (e) => entities[e] ?? e);
    if (next === current) return current;
    current = next;
  }
  // Still changing: give up on the value rather than pass anything tag-like on.
  return sanitizeHtml(current, noTags);
}

export interface Sanitized<T> {
  value: T;
  /** Paths of the strings that changed (`customer.name`, `items[0].groups[1].name`). */
  changed: string[];
}

/** A sanitized copy of parsed JSON (the input is not modified), with what changed. */
export function sanitizePayload<T>(payload: T): Sanitized<T> {
  const changed: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      const clean = sanitizeText(node);
      if (clean !== node) changed.push(path === '' ? '(root)' : path);
      return clean;
    }
    if (Array.isArray(node)) return node.map((child, i) => walk(child, `${path}[${i}]`));
    if (typeof node === 'object' && node !== null) {
      const copy: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node))
        copy[key] = walk(child, path === '' ? key : `${path}.${key}`);
      return copy;
    }
    return node;
  };
  return { value: walk(payload, '') as T, changed };
}
