import Table from 'cli-table3';
import { colorsFor, safeText } from './terminal.ts';

/** The longest a cell is shown (the rest is cut with …): a table stays a table. */
const cellWidth = 60;

/** Text already escaped and coloured: put in a cell as it is. */
export class Styled {
  constructor(readonly text: string) {}
}

function cell(value: unknown): string {
  if (value instanceof Styled) return value.text;
  if (value === null || value === undefined || value === '') return '-';
  const text = safeText(value);
  return text.length > cellWidth ? `${text.slice(0, cellWidth - 1)}…` : text;
}

/** A table for people: escaped, cut cells; headers bold on a terminal. */
export function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const c = colorsFor(process.stdout);
  const t = new Table({
    head: head.map((h) => c.bold(h)),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
  });
  for (const row of rows) t.push(row.map(cell));
  return `${t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** `key  value` lines, keys aligned. */
export function fields(pairs: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  const c = colorsFor(process.stdout);
  return pairs.map(([k, v]) => `${c.bold(k.padEnd(width))}  ${cell(v)}\n`).join('');
}

/** A time for people: ISO 8601 in UTC. */
export function when(ms: number | null | undefined): string {
  return typeof ms === 'number' ? new Date(ms).toISOString() : '-';
}
