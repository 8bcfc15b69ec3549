import { z } from 'zod';

/** A source's, destination's or route's name. */
export const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'use 1-64 letters, digits, "-" or "_"');

export const secret = z.string().min(1, 'is empty (is the ${VAR} it refers to set?)');

/**
 * Fields read from a destination's answer into the delivery's metadata: a name → a path
 * (`$.orderId`, `$.data.id`), or several paths tried in order.
 */
const capturePath = z
  .string()
  .regex(/^\$(\.[^.\s]+)+$/, 'use a path such as $.orderId or $.data.order.id')
  .transform((p) => p.slice(2));

export const capture = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'use a name of letters, digits and "_"'),
  z.union([capturePath.transform((p) => [p]), z.array(capturePath).min(1)]),
);
