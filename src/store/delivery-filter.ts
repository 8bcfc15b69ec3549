import type { DeliveryFilter } from './store.ts';
import { wellFormed } from './text.ts';

/**
 * WHERE clauses for a delivery filter over deliveries `d` joined with events `e`, for either
 * engine: `placeholder(n)` writes the n-th parameter (`?` for SQLite, `$n` for PostgreSQL).
 * Values are appended to `args`, so numbering continues after what is already there; text is
 * compared as stored (text.ts: a lone surrogate or NUL as U+FFFD, which PostgreSQL can hold).
 */
export function deliveryFilterSql(
  f: DeliveryFilter,
  placeholder: (n: number) => string,
  args: (string | number)[] = [],
): { where: string[]; args: (string | number)[] } {
  const where: string[] = [];
  const add = (column: string, op: string, value: string | number | undefined) => {
    if (value === undefined) return;
    const stored = typeof value === 'string' ? wellFormed(value) : value;
    where.push(`${column} ${op} ${placeholder(args.push(stored))}`);
  };
  add('e.tenant', '=', f.tenant);
  add('d.state', '=', f.state);
  add('e.source', '=', f.source);
  add('d.destination', '=', f.destination);
  add('d.created_at', '>=', f.since);
  add('d.created_at', '<', f.until);
  return { where, args };
}
