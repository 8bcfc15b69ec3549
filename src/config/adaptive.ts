import { z } from 'zod';
import { duration } from './units.ts';

const bounds = z.strictObject({
  /** The concurrency never goes below this. */
  minConcurrency: z.number().int().positive().default(1),
  /** Nor above this (default: the destination's `concurrency`, else `delivery.concurrency`). */
  maxConcurrency: z.number().int().positive().optional(),
  /** The factor a decrease multiplies the concurrency by. */
  decrease: z.number().gt(0).lt(1).default(0.5),
  /** Latency this many times the destination's recent baseline counts as overload. */
  latencyFactor: z.number().gt(1).default(3),
  /** The longest pause a Retry-After can impose on the destination. */
  maxPause: duration.prefault('10m'),
});

/**
 * `adaptive:` on a destination: `true` (the defaults), or the bounds. Concurrency (and the rate
 * limit, if set) goes down multiplicatively on 429, 503 and rising latency, up additively while
 * the destination is healthy; a Retry-After on 429/503 pauses the destination's sending.
 */
export const adaptive = z
  .union([z.boolean(), bounds])
  .transform((v) => (v === false ? undefined : v === true ? bounds.parse({}) : v))
  .superRefine((v, ctx) => {
    if (v?.maxConcurrency !== undefined && v.maxConcurrency < v.minConcurrency)
      ctx.addIssue({ code: 'custom', message: 'maxConcurrency is below minConcurrency' });
  });

export type AdaptiveConfig = NonNullable<z.output<typeof adaptive>>;
