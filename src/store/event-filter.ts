import { wellFormed } from './text.ts';
import type { EventFilter } from './search.ts';
import { searchWords } from './search-text.ts';

/** What differs between the engines in an event search's SQL. */
export interface SearchDialect {
  /** The n-th parameter: `?` (SQLite) or `$n` (PostgreSQL). */
  placeholder(n: number): string;
  /** The event type column as compared in byte order (a prefix is then an index range). */
  readonly typeColumn: string;
  /** What orders events of the same received_at: `e.rowid` (SQLite) or `e.id`. */
  readonly tiebreak: string;
  /** A cursor's tiebreak as the parameter to compare it with. */
  tiebreakValue(text: string): string | number;
}

/** The greatest code point: every text starting with a prefix sorts below prefix + this. */
const maxCodePoint = String.fromCodePoint(0x10ffff);

export type Args = (string | number)[];

/**
 * The parts of an event search's WHERE clause over events `e` that the events' own indexes
 * answer in result order (source, type, received time). Values are appended to `args`, so
 * numbering continues after what is already there; text is compared as stored (a lone
 * surrogate as U+FFFD).
 */
export function indexedFilterSql(f: EventFilter, dialect: SearchDialect, args: Args): string[] {
  const where: string[] = [];
  const param = (value: string | number) => dialect.placeholder(args.push(value));
  const text = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ${param(wellFormed(value))}`);
  };
  text('e.tenant', f.tenant);
  text('e.source', f.source);
  text(dialect.typeColumn, f.eventType);
  if (f.since !== undefined) where.push(`e.received_at >= ${param(f.since)}`);
  if (f.until !== undefined) where.push(`e.received_at < ${param(f.until)}`);
  return where;
}

/**
 * The type prefix as a range in byte order (undefined without one): an index range on the type,
 * whose events are not in result order, so the planner treats it as a residual filter.
 */
export function typePrefixSql(
  f: EventFilter,
  dialect: SearchDialect,
  args: Args,
): string | undefined {
  if (f.eventTypePrefix === undefined || f.eventTypePrefix === '') return undefined;
  const prefix = wellFormed(f.eventTypePrefix);
  const from = dialect.placeholder(args.push(prefix));
  const to = dialect.placeholder(args.push(prefix + maxCodePoint));
  return `${dialect.typeColumn} >= ${from} AND ${dialect.typeColumn} < ${to}`;
}

/** `column = value` on events `e`, the value as stored (text.ts). */
export function equalsSql(
  column: string,
  value: string,
  dialect: SearchDialect,
  args: Args,
): string {
  return `${column} = ${dialect.placeholder(args.push(wellFormed(value)))}`;
}

/** The delivery conditions (state, destination) over deliveries `d`, or undefined without any. */
export function deliveryConditionSql(
  f: EventFilter,
  dialect: SearchDialect,
  args: Args,
): string | undefined {
  if (f.state === undefined && f.destination === undefined) return undefined;
  const on: string[] = [];
  if (f.state !== undefined) on.push(`d.state = ${dialect.placeholder(args.push(f.state))}`);
  if (f.destination !== undefined) {
    on.push(`d.destination = ${dialect.placeholder(args.push(wellFormed(f.destination)))}`);
  }
  return on.join(' AND ');
}

/** The words of `q`; throws RangeError when it has none (the API answers 400 before that). */
export function queryWords(f: EventFilter): string[] | undefined {
  if (f.q === undefined) return undefined;
  const words = searchWords(f.q);
  if (words.length === 0) throw new RangeError('q: no letter or digit to search for');
  return words;
}
