import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { eventFilterSchema, toEventFilter } from './filters.ts';
import { scopedTargets, targetsSchema, withTargets } from './events.ts';
import { scopeOf, tenantScoped } from './scope.ts';
import { ok, parse, type AdminDeps } from './http.ts';
import { jobView } from './jobs.ts';

const replaySchema = z.strictObject({
  filter: z.unknown().optional(),
  routes: targetsSchema.shape.routes,
  destinations: targetsSchema.shape.destinations,
  dryRun: z.boolean().default(false),
  by: z.string().min(1).max(200).optional(),
});

/**
 * Bulk replay by filter (the search's filters): a dry run answers the plan (how many events,
 * which destinations, an estimate); otherwise a background job is made and its id answered.
 */
export function replayRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { replayJobs } = deps;
  app.post('/admin/replays', tenantScoped, async (request, reply) => {
    const scope = scopeOf(request);
    const body = parse(replaySchema, request.body);
    const filter = scope.filter(
      toEventFilter(parse(eventFilterSchema, body.filter ?? {}, 'INVALID_FILTER')),
    );
    const targets = scopedTargets(scope, {
      ...(body.routes ? { routes: body.routes } : {}),
      ...(body.destinations ? { destinations: body.destinations } : {}),
    });
    if (body.dryRun)
      return ok(reply, { plan: await withTargets(() => replayJobs.plan({ filter, targets })) });
    const job = await withTargets(() => replayJobs.create({ filter, targets }, body.by ?? null));
    return reply
      .code(202)
      .send({ success: true, data: { jobId: job.id, job: jobView(job, null) } });
  });
}
