import type { Delivery, ForwardOutcome, ForwardRecord } from './store.ts';

/**
 * A report whose attempt id is known already: the forward it recorded when it is this event's
 * listener delivery (a report sent again), else `conflict` — the id is another delivery's, whose
 * row (maybe another tenant's) is never shown to the reporter.
 */
export function knownForward(known: Delivery, r: ForwardRecord): ForwardOutcome {
  return known.eventId === r.eventId && known.origin === 'listen' ? known : 'conflict';
}
