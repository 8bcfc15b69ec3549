import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One condition on a value: a bare scalar means equality. */
export const matcher = z.union([
  scalar,
  z
    .strictObject({
      eq: scalar.optional(),
      ne: scalar.optional(),
      in: z.array(scalar).optional(),
      nin: z.array(scalar).optional(),
      exists: z.boolean().optional(),
      prefix: z.string().optional(),
      suffix: z.string().optional(),
      contains: z.string().optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional(),
    })
    .refine((m) => Object.keys(m).length > 0, { message: 'a matcher needs at least one operator' }),
]);

/**
 * A route's filter: every listed condition must hold. `eventType` accepts exact names or
 * `*` wildcards ("invoice.*"); `headers` keys are header names; `body` keys are JSON dot paths.
 */
export const routeFilter = z.strictObject({
  eventType: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  headers: z.record(z.string().min(1), matcher).optional(),
  body: z.record(z.string().min(1), matcher).optional(),
});

export type Matcher = z.infer<typeof matcher>;
export type RouteFilter = z.infer<typeof routeFilter>;
