import type { OrderingConfig } from '../config/ordering.ts';
import { stringAt } from '../domain/json-path.ts';
import { orderingKey } from '../domain/ordering-key.ts';
import { wellFormed } from '../store/text.ts';
import type { FilterSubject } from './filter-match.ts';

/** What a route sees of an event: what its filter reads, and the id the provider identified. */
export interface RouteSubject extends FilterSubject {
  readonly eventId: string | undefined;
}

/**
 * The event's ordering key under `ordering` (a route's, else its destination's), as stored; null
 * when the event has no value there: such an event is not ordered.
 */
export function orderingKeyFor(
  ordering: OrderingConfig,
  source: string,
  subject: RouteSubject,
): string | null {
  const value = orderingValue(ordering.key, source, subject);
  return value === undefined || value === '' ? null : orderingKey(source, value);
}

function orderingValue(rule: string, source: string, subject: RouteSubject): string | undefined {
  if (rule === 'source') return source;
  // As stored (text.ts): a replay reads the stored id, and must find the same key.
  if (rule === 'eventId')
    return subject.eventId === undefined ? undefined : wellFormed(subject.eventId);
  if (rule.startsWith('header:'))
    return subject.headers[rule.slice('header:'.length).toLowerCase()];
  if (rule.startsWith('json:')) return stringAt(subject.body(), rule.slice('json:'.length));
  throw new Error(`unknown ordering key rule: ${rule}`);
}
