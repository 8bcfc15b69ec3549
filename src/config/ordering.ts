import { z } from 'zod';
import { isCredentialHeader } from '../domain/credential-header.ts';

/**
 * Where an event's ordering key is read: a dotted JSON path of the body, a header, the event id
 * the provider identified (Careem's and Talabat's order id), or `source` (one key: every event
 * of the source in order). The same `json:` and `header:` forms as `dedupe.key`.
 */
export const orderingKeyRule = z
  .string()
  .regex(
    /^(source|eventId|header:[A-Za-z0-9_-]+|json:[^\s]+)$/,
    'use json:<path>, header:<name>, eventId or source',
  )
  // A key is stored and shown by the admin API: a credential never becomes one.
  .refine((rule) => !(rule.startsWith('header:') && isCredentialHeader(rule.slice(7))), {
    message: 'a credential header (authorization, cookie, signature, token, …) cannot be a key',
  });

/** `ordering:` on a route or a destination (the route's wins). */
export const ordering = z.strictObject({
  key: orderingKeyRule,
  /** A dead (or quarantined) delivery: `block` holds its key until an operator acts, `skip` lets the next go. */
  onDead: z.enum(['block', 'skip']).default('block'),
});

export type OrderingConfig = z.output<typeof ordering>;
