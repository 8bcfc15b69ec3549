import { z } from 'zod';
import { deliveryStates } from '../store/store.ts';
import type { EventFilter } from '../store/store.ts';
import { searchWords } from '../store/search-text.ts';
import { time } from './http.ts';

/** A filter's text value: NUL is refused (PostgreSQL cannot store it, so nothing could match). */
const text = z
  .string()
  .min(1)
  .max(512)
  .refine((v) => !v.includes('\u0000'), { message: 'contains NUL' });

/** The event search's filters, as the query string names them. */
export const eventFilterSchema = z.strictObject({
  source: text.optional(),
  provider: text.optional(),
  type: text.optional(),
  typePrefix: text.optional(),
  providerEventId: text.optional(),
  requestId: text.optional(),
  state: z.enum(deliveryStates as [string, ...string[]]).optional(),
  destination: text.optional(),
  // Any bytes: its words are letters and digits, everything else separates them.
  q: z
    .string()
    .max(1024)
    .refine((v) => searchWords(v).length > 0, { message: 'needs a letter or digit to search for' })
    .optional(),
  since: time.optional(),
  until: time.optional(),
});

export type EventFilterInput = z.output<typeof eventFilterSchema>;

export function toEventFilter(f: EventFilterInput): EventFilter {
  return {
    source: f.source,
    provider: f.provider,
    eventType: f.type,
    eventTypePrefix: f.typePrefix,
    providerEventId: f.providerEventId,
    requestId: f.requestId,
    state: f.state as EventFilter['state'],
    destination: f.destination,
    q: f.q,
    since: f.since,
    until: f.until,
  };
}

/** A page of results: `limit` (1–500) and the previous page's `next` as `before`. */
export const pageSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).max(300).optional(),
});

/** The dead-letter queue's filters (query string, or a bulk action's body). */
export const deadLetterFilterSchema = z.strictObject({
  source: text.optional(),
  destination: text.optional(),
  provider: text.optional(),
  errorClass: text.optional(),
  deadReason: text.optional(),
  receivedSince: time.optional(),
  receivedUntil: time.optional(),
  deadSince: time.optional(),
  deadUntil: time.optional(),
  review: z.enum(['failed', 'reviewing', 'discarded']).optional(),
});

/** Who did a review action and why. */
export const reviewSchema = z.strictObject({
  by: z.string().min(1).max(200).optional(),
  note: z.string().max(2000).optional(),
});
