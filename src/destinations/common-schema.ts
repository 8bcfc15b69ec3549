import { z } from 'zod';
import { name } from '../config/name.ts';
import { adaptive } from '../config/adaptive.ts';
import { ordering } from '../config/ordering.ts';
import { retrySchema } from '../config/retry.ts';
import { duration } from '../config/units.ts';

/**
 * What every destination type has: its name, limits, breaker and retry schedule. A type's own
 * keys (`url`, `subject`, …) are in `src/destinations/<type>/schema.ts`.
 */
export const commonDestination = {
  name,
  /** Headers sent with every message (HTTP headers; NATS and AMQP message headers). */
  headers: z.record(z.string().min(1), z.string()).default({}),
  /** The whole attempt's deadline. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Attempts in flight at once for this destination (1 = serial). */
  concurrency: z.number().int().positive().optional(),
  rateLimit: z
    .strictObject({
      points: z.number().int().positive(),
      /** Per this many seconds: 1 for per-second, 60 for per-minute. */
      duration: z.number().positive().default(1),
    })
    .optional(),
  circuitBreaker: z
    .strictObject({
      enabled: z.boolean().default(true),
      failureThreshold: z.number().int().positive().default(5),
      resetTimeout: duration.prefault('30s'),
      failureRatio: z.number().gt(0).max(1).default(0.5),
      window: duration.prefault('60s'),
      minimumRequests: z.number().int().positive().default(20),
    })
    .prefault({}),
  /** Deliveries of one key in the order they were stored, one at a time (docs/ordering.md). */
  ordering: ordering.optional(),
  /** Concurrency (and rate) that adapts to the destination's answers (AIMD). */
  adaptive: adaptive.optional(),
  retry: retrySchema,
};
