import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ok, parse, type AdminDeps } from './http.ts';

const timelineSchema = z.strictObject({
  minutes: z.coerce.number().int().min(1).max(60).default(60),
});

/**
 * What the dashboard's overview reads besides the existing routes: deliveries by state (all of
 * them), the queue per destination (depth by waiting state, lag, paused) and the charts' timeline (ingest and attempts over the
 * last hour in ten-second buckets, this instance's).
 */
export function queueRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { observe } = deps;

  app.get('/admin/queue', async (_request, reply) => {
    const [{ depth, oldestDueAt }, lagSeconds, paused, byState] = await Promise.all([
      observe.queue.queue(),
      observe.queue.lagSeconds(),
      observe.queue.pausedDestinations(),
      deps.store.deliveryCountByState(),
    ]);
    const pausedSet = new Set(paused);
    const destinations = Object.entries(depth).map(([name, states]) => ({
      name,
      paused: pausedSet.has(name),
      depth: states,
      oldestDueAt: oldestDueAt[name] ?? null,
      lagSeconds: Math.round((lagSeconds[name] ?? 0) * 1000) / 1000,
    }));
    return ok(reply, { byState, destinations });
  });

  app.get('/admin/timeline', async (request, reply) => {
    const { minutes } = parse(timelineSchema, request.query);
    return ok(reply, observe.timeline.view(minutes));
  });
}
