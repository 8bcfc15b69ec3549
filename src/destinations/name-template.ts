import { createHash } from 'node:crypto';
import type { StoredEvent } from '../store/store.ts';

/** The event fields a subject, channel, stream or routing key may name. */
const fields = {
  // A tenant's source `acme/shop` as `acme.shop`: one more level of the name's hierarchy.
  source: (e: StoredEvent) => e.source.replace('/', '.'),
  tenant: (e: StoredEvent) => e.tenant,
  eventType: (e: StoredEvent) => e.eventType,
  eventId: (e: StoredEvent) => e.id,
  provider: (e: StoredEvent) => e.provider,
} as const;

type Field = keyof typeof fields;

/**
 * The longest each field can encode to: source names are config names (64 safe characters,
 * after a tenant's name of 32 and a dot), providers and event ids are Hookgate's own; only the
 * event type comes from the provider.
 */
const longest: Readonly<Record<Field, number>> = {
  source: 97,
  tenant: 32,
  provider: 64,
  eventId: 64,
  eventType: 128,
};
const placeholder = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** An encoded value is at most this long; a longer one is cut and keeps a hash of the whole. */
export const maxValueLength = 128;
const hashLength = 16;

/** What a value keeps as it is: letters, digits, `_` and `-` (and dots, see encodeNamePart). */
const safe = /^[A-Za-z0-9_-]$/;

/**
 * One event field as a part of a name (NATS subject, Redis channel or stream key, AMQP routing
 * key). Values come from bytes a provider signed, so:
 * - letters, digits, `_` and `-` stay; a dot stays only between two non-empty tokens, so an
 *   event type `payment_intent.succeeded` keeps its hierarchy (seed 003's
 *   `integration.webhook.stripe.payment_intent.succeeded`) but can never make an empty token;
 * - everything else (NATS wildcards `*` and `>`, spaces, `%`, NUL, control characters, emoji) is
 *   percent-encoded as UTF-8, a lone surrogate as U+FFFD; `%` itself becomes `%25`, so the
 *   encoding can be undone with `decodeURIComponent` (a dot kept is a dot);
 * - an empty or absent value is `_`;
 * - a value longer than 128 characters encoded is cut to 111 and ends with `~` and 16 hex
 *   characters of its SHA-256: names stay bounded, and different values stay different.
 */
export function encodeNamePart(value: string | null): string {
  if (value === null || value === '') return '_';
  const text = value.toWellFormed();
  let out = '';
  let previous = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (safe.test(ch)) out += ch;
    else if (
      ch === '.' &&
      previous !== '' &&
      previous !== '.' &&
      i + 1 < text.length &&
      text[i + 1] !== '.'
    )
      out += ch;
    else {
      const cp = text.codePointAt(i) as number;
      const char = String.fromCodePoint(cp);
      if (cp > 0xffff) i++;
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    previous = ch;
  }
  if (out.length <= maxValueLength) return out;
  const cut = maxValueLength - hashLength - 1;
  // Never cut inside a %XX escape.
  let end = cut;
  const lastPercent = out.lastIndexOf('%', end - 1);
  if (lastPercent >= end - 2) end = lastPercent;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, hashLength);
  return `${out.slice(0, end)}~${hash}`;
}

/** A name with `{{source}}`, `{{eventType}}`, `{{eventId}}`, `{{provider}}` filled per event. */
export class NameTemplate {
  private readonly parts: readonly ({ readonly text: string } | { readonly field: Field })[];
  /** The text around the placeholders. */
  readonly fixedText: string;
  private readonly longestFill: number;

  constructor(readonly text: string) {
    const parts: ({ text: string } | { field: Field })[] = [];
    let last = 0;
    for (const match of text.matchAll(placeholder)) {
      const field = match[1] as string;
      if (!Object.hasOwn(fields, field))
        throw new Error(
          `unknown placeholder {{${field}}} (use ${Object.keys(fields)
            .map((f) => `{{${f}}}`)
            .join(', ')})`,
        );
      parts.push({ text: text.slice(last, match.index) }, { field: field as Field });
      last = match.index + match[0].length;
    }
    parts.push({ text: text.slice(last) });
    this.parts = parts.filter((p) => !('text' in p) || p.text !== '');
    this.fixedText = parts.map((p) => ('text' in p ? p.text : '')).join('');
    this.longestFill = parts.reduce((n, p) => n + ('field' in p ? longest[p.field] : 0), 0);
  }

  /** The longest name this template can render (UTF-8 bytes). */
  get maxBytes(): number {
    return Buffer.byteLength(this.fixedText) + this.longestFill;
  }

  render(event: StoredEvent): string {
    let out = '';
    for (const part of this.parts)
      out += 'text' in part ? part.text : encodeNamePart(fields[part.field](event));
    return out;
  }
}
