import { z } from 'zod';
import { capture, name } from './name.ts';
import { ordering } from './ordering.ts';
import { routeFilter } from './filter.ts';

/** One route: a source's events to a destination, filtered, transformed, maybe ordered. */
export const routeSchema = z.strictObject({
  name: name.optional(),
  source: name,
  destination: name,
  filter: routeFilter.optional(),
  /** A built-in (`careem-order`, `talabat-order`) or the path of a module (from the config file). */
  transform: z.string().min(1).optional(),
  /** Fields of the destination's answer kept in the delivery's metadata (on top of the transform's). */
  capture: capture.optional(),
  /** Deliveries of one key in the order they were stored (overrides the destination's). */
  ordering: ordering.optional(),
});
