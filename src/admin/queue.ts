import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ok, parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped } from './scope.ts';

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

  app.get('/admin/queue', tenantScoped, async (request, reply) => {
    const scope = scopeOf(request);
    const [{ depth, oldestDueAt }, lagSeconds, paused, counted] = await Promise.all([
      observe.queue.queue(),
      observe.queue.lagSeconds(),
      observe.queue.pausedDestinations(),
      // Counted over every tenant: a tenant's token gets its destinations' waiting states below.
      scope.tenant === null ? deps.store.deliveryCountByState() : undefined,
    ]);
    const pausedSet = new Set(paused);
    const own = scope.pick(depth);
    const byState = counted ?? sumStates(Object.values(own));
    const destinations = Object.entries(own).map(([name, states]) => ({
      name,
      paused: pausedSet.has(name),
      depth: states,
      oldestDueAt: oldestDueAt[name] ?? null,
      lagSeconds: Math.round((lagSeconds[name] ?? 0) * 1000) / 1000,
    }));
    return ok(reply, { byState, destinations });
  });

  app.get('/admin/timeline', tenantScoped, async (request, reply) => {
    const { minutes } = parse(timelineSchema, request.query);
    const scope = scopeOf(request);
    return ok(
      reply,
      observe.timeline.view(minutes, (name) => scope.owns(name)),
    );
  });
}

/** Deliveries by state over some destinations (a tenant's view of the queue). */
function sumStates(depths: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const states of depths)
    for (const [state, n] of Object.entries(states)) sum[state] = (sum[state] ?? 0) + n;
  return sum;
}
