import { sqlStates } from '../domain/delivery-state.ts';
import type { DeadLetterFilter } from './dead-letters.ts';
import { wellFormed } from './text.ts';

/**
 * WHERE clauses for a dead-letter filter over deliveries `d` joined with events `e`, for either
 * engine (`placeholder(n)` writes the n-th parameter). By default the dead ones (review `failed`
 * or `reviewing`); `review: 'discarded'` selects the discarded ones instead.
 */
export function deadLetterFilterSql(
  f: DeadLetterFilter,
  placeholder: (n: number) => string,
  args: (string | number)[] = [],
): { where: string[]; args: (string | number)[] } {
  const where: string[] = [];
  const add = (column: string, op: string, value: string | number | undefined) => {
    if (value === undefined) return;
    // Text as stored (text.ts): a lone surrogate or NUL asked for is U+FFFD found.
    const stored = typeof value === 'string' ? wellFormed(value) : value;
    where.push(`${column} ${op} ${placeholder(args.push(stored))}`);
  };
  if (f.review === 'discarded') where.push(`d.state = 'discarded'`);
  else where.push(`d.state IN (${sqlStates('discard')})`);
  if (f.review === 'reviewing') where.push(`d.review_state = 'reviewing'`);
  if (f.review === 'failed')
    where.push(`(d.review_state IS NULL OR d.review_state <> 'reviewing')`);
  add('e.tenant', '=', f.tenant);
  add('e.source', '=', f.source);
  add('d.destination', '=', f.destination);
  add('e.provider', '=', f.provider);
  add('d.error_class', '=', f.errorClass);
  add('d.dead_reason', '=', f.deadReason);
  add('e.received_at', '>=', f.receivedSince);
  add('e.received_at', '<', f.receivedUntil);
  // A dead letter's last change is its death (a review or discard leaves updated_at alone).
  add('d.updated_at', '>=', f.deadSince);
  add('d.updated_at', '<', f.deadUntil);
  return { where, args };
}

/** The review state a dead letter shows: `failed` until someone takes it up. */
export function reviewOf(state: string, reviewState: string | null) {
  if (state === 'discarded') return 'discarded' as const;
  if (state !== 'dead')
    return reviewState === 'requeued' ? ('requeued' as const) : ('failed' as const);
  return reviewState === 'reviewing' ? ('reviewing' as const) : ('failed' as const);
}
