import type { WebhookRequest } from './types.ts';

type Part =
  | { readonly kind: 'text'; readonly bytes: Buffer }
  | { readonly kind: 'body' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'id' }
  | { readonly kind: 'header'; readonly name: string };

export type Placeholder = 'body' | 'timestamp' | 'id' | 'header';

/** Values taken from headers the provider names itself (the template cannot know them). */
export interface TemplateValues {
  readonly timestamp?: string | undefined;
  readonly id?: string | undefined;
}

export interface SigningTemplate {
  readonly source: string;
  readonly uses: ReadonlySet<Placeholder>;
  /**
   * The signed content as parts, in order: the body stays the raw Buffer, never re-encoded.
   * Undefined when a value the template needs is missing, so nothing is signed over a blank.
   */
  render(request: WebhookRequest, values: TemplateValues): readonly Buffer[] | undefined;
}

const placeholder = /\{(body|timestamp|id|header:[A-Za-z0-9_-]+)\}/g;

/**
 * Compiles `{timestamp}.{body}`-style templates once. Any other brace is a config error: a typo
 * like `{timestmap}` would otherwise be signed literally and never match.
 */
export function compileTemplate(template: string): SigningTemplate {
  const parts: Part[] = [];
  const pushText = (text: string) => {
    if (text === '') return;
    if (/[{}]/.test(text)) {
      throw new Error(
        `unknown placeholder or stray brace in template "${template}" ` +
          '(use {body}, {timestamp}, {id} or {header:<name>})',
      );
    }
    parts.push({ kind: 'text', bytes: Buffer.from(text, 'utf8') });
  };
  let last = 0;
  for (const match of template.matchAll(placeholder)) {
    pushText(template.slice(last, match.index));
    const name = match[1] ?? '';
    parts.push(
      name.startsWith('header:')
        ? { kind: 'header', name: name.slice('header:'.length).toLowerCase() }
        : { kind: name as 'body' | 'timestamp' | 'id' },
    );
    last = match.index + match[0].length;
  }
  pushText(template.slice(last));
  if (parts.length === 0) throw new Error('empty signing template');

  const uses = new Set<Placeholder>();
  for (const p of parts) if (p.kind !== 'text') uses.add(p.kind);

  return {
    source: template,
    uses,
    render(request, values) {
      const out: Buffer[] = [];
      for (const p of parts) {
        if (p.kind === 'text') out.push(p.bytes);
        else if (p.kind === 'body') out.push(request.rawBody);
        else {
          const value = p.kind === 'header' ? request.headers[p.name] : values[p.kind];
          if (value === undefined || value === '') return undefined;
          out.push(Buffer.from(value, 'utf8'));
        }
      }
      return out;
    },
  };
}
