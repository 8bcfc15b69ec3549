import type { FastifyInstance } from 'fastify';
import { HookgateError } from '../domain/errors.ts';
import type { DeliveryState, Job } from '../store/store.ts';
import { ok, parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped, type Scope } from './scope.ts';
import { pageSchema } from './filters.ts';

/** A job as operators see it: progress, and (for one job) its deliveries by state. */
export function jobView(job: Job, deliveries: Record<DeliveryState, number> | null) {
  const { leaseOwner, leaseUntil, ...rest } = job;
  return {
    ...rest,
    runningOn: leaseOwner !== null && job.state === 'running' ? leaseOwner : null,
    leaseUntil,
    ...(deliveries ? { deliveries } : {}),
  };
}

/** Background jobs (bulk replays): list, progress, pause / resume / cancel. */
export function jobRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, clock, replayJobs } = deps;

  /** The job when the scope sees it (a tenant sees the jobs its tokens made); else 404. */
  const jobIn = async (scope: Scope, id: string) =>
    scope.visible(await store.jobGet({ id }), (j) => j.tenant, 'job with this id');

  const view = async (scope: Scope, id: string) => {
    const job = await jobIn(scope, id);
    return jobView(job, await store.deliveryCountByState({ jobId: id }));
  };

  app.get('/admin/jobs', tenantScoped, async (request, reply) => {
    const page = parse(pageSchema, request.query, 'INVALID_FILTER');
    const jobs = await store.jobList({ ...page, tenant: scopeOf(request).filterTenant });
    const next = jobs.length === page.limit ? (jobs.at(-1)?.id ?? null) : null;
    return ok(reply, { jobs: jobs.map((j) => jobView(j, null)), next });
  });

  app.get<{ Params: { id: string } }>('/admin/jobs/:id', tenantScoped, async (request, reply) =>
    ok(reply, await view(scopeOf(request), request.params.id)),
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(
      `/admin/jobs/:id/${action}`,
      tenantScoped,
      async (request, reply) => {
        const scope = scopeOf(request);
        const before = await jobIn(scope, request.params.id);
        const after = await store.jobControl({ id: before.id, action, now: clock.now() });
        const moved = after !== undefined && after.state !== before.state;
        if (!moved)
          throw new HookgateError('CONFLICT', {
            message: `This job is ${before.state}: it cannot be ${action === 'cancel' ? 'cancelled' : `${action}d`}.`,
          });
        if (action === 'resume') replayJobs.wake();
        return ok(reply, await view(scope, before.id));
      },
    );
  }
}
