import pc from 'picocolors';

/**
 * Text from the gateway is hostile (signed bytes, headers, error messages): before it reaches a
 * terminal, every control character (C0, DEL, C1: escape sequences could rewrite the screen), a
 * lone surrogate, and the bidirectional overrides (which reorder what is shown) become visible
 * escapes. Emoji and other text pass as they are.
 */
const unsafe =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function safeText(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.replace(
    unsafe,
    (c) => named[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** JSON for scripts: JSON.stringify leaves DEL, C1 controls and U+2028/9 raw; they are escaped too. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorsFor(stream: NodeJS.WriteStream): ReturnType<typeof pc.createColors> {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return pc.createColors(Boolean(stream.isTTY) && !noColor);
}

export const out = (text: string): void => void process.stdout.write(text);
export const err = (text: string): void => void process.stderr.write(text);
