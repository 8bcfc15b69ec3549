import type { WebhookRequest } from './types.ts';

type Part =
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'body' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'id' }
  | { readonly kind: 'header'; readonly name: string };

export interface SigningTemplate {
  readonly uses: ReadonlySet<'body' | 'timestamp' | 'id' | 'header'>;
  /** The signed content as parts; the body stays the raw Buffer, never re-encoded. */
  render(request: WebhookRequest, values: { timestamp?: string; id?: string }): (Buffer | string)[];
}

const placeholder = /\{(body|timestamp|id|header:[A-Za-z0-9_-]+)\}/g;

/** Compiles `{timestamp}.{body}`-style templates once; an unknown `{…}` is a config error. */
export function compileTemplate(template: string): SigningTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(placeholder)) {
    if (match.index > last) parts.push({ kind: 'text', value: template.slice(last, match.index) });
    const name = match[1] as string;
    parts.push(
      name.startsWith('header:')
        ? { kind: 'header', name: name.slice('header:'.length).toLowerCase() }
        : { kind: name as 'body' | 'timestamp' | 'id' },
    );
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', value: template.slice(last) });
  const leftover = parts.find((p) => p.kind === 'text' && /\{[^}]*\}/.test(p.value));
  if (leftover) {
    throw new Error(
      `unknown placeholder in template "${template}" (use {body}, {timestamp}, {id}, {header:<name>})`,
    );
  }
  return {
    uses: new Set(
      parts
        .filter((p) => p.kind !== 'text')
        .map((p) => p.kind as 'body' | 'timestamp' | 'id' | 'header'),
    ),
    render(request, values) {
      return parts.map((p) => {
        switch (p.kind) {
          case 'text':
            return p.value;
          case 'body':
            return request.rawBody;
          case 'timestamp':
            return values.timestamp ?? '';
          case 'id':
            return values.id ?? '';
          case 'header':
            return request.headers[p.name] ?? '';
        }
      });
    },
  };
}
