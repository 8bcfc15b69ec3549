import { parseDocument, type YAMLError } from 'yaml';

/** The text's lines `from`–`to` (1-based), numbered, as an operator sees them in an editor. */
function excerpt(lines: readonly string[], from: number, to: number): string {
  const width = String(to).length;
  const shown: string[] = [];
  for (let n = from; n <= to; n++)
    shown.push(`    ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
  return shown.join('\n');
}

/**
 * Where an error is, as lines. The yaml library places some errors at the start of the construct
 * that swallowed the mistake (an over-indented `key: value` is reported on the line above it), so
 * the error's whole range is given, ending on the line where it ends.
 */
function lineRange(error: YAMLError): { from: number; to: number; column: number } | undefined {
  const [start, end] = error.linePos ?? [];
  if (start === undefined) return undefined;
  let to = end?.line ?? start.line;
  // A range ending at column 1 ends with the line before it.
  if (end !== undefined && end.col === 1 && to > start.line) to -= 1;
  return { from: start.line, to, column: start.col };
}

interface Located {
  readonly message: string;
  from: number;
  to: number;
  readonly column: number;
}

function located(error: YAMLError): Located | string {
  const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const range = lineRange(error);
  return range === undefined ? message : { message, ...range };
}

function describe(item: Located | string, lines: readonly string[]): string {
  if (typeof item === 'string') return `(yaml): ${item}`;
  const where =
    item.from === item.to
      ? `line ${item.from}, column ${item.column}`
      : `lines ${item.from}-${item.to}`;
  return `(yaml) ${where}: ${item.message}\n${excerpt(lines, item.from, item.to)}`;
}

/**
 * Parses YAML; every syntax error comes back described with its lines. Errors the library
 * reports about overlapping lines are one mistake: the first one's message over their lines.
 */
export function parseYamlText(
  text: string,
): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length === 0) return { ok: true, value: doc.toJS() as unknown };
  const merged: (Located | string)[] = [];
  for (const error of doc.errors) {
    const item = located(error);
    const overlapping =
      typeof item === 'string'
        ? undefined
        : merged.find(
            (m): m is Located => typeof m !== 'string' && m.from <= item.to && item.from <= m.to,
          );
    if (overlapping !== undefined && typeof item !== 'string') {
      overlapping.from = Math.min(overlapping.from, item.from);
      overlapping.to = Math.max(overlapping.to, item.to);
    } else merged.push(item);
  }
  const lines = text.split(/\r?\n/);
  return { ok: false, problems: merged.map((m) => describe(m, lines)) };
}
