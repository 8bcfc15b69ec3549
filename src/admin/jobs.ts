import type { FastifyInstance } from 'fastify';
import { HookgateError } from '../domain/errors.ts';
import type { DeliveryState, Job } from '../store/store.ts';
import { notFound, ok, parse, type AdminDeps } from './http.ts';
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

  const view = async (id: string) => {
    const job = await store.jobGet({ id });
    if (job === undefined) throw notFound('job with this id');
    return jobView(job, await store.deliveryCountByState({ jobId: id }));
  };

  app.get('/admin/jobs', async (request, reply) => {
    const page = parse(pageSchema, request.query, 'INVALID_FILTER');
    const jobs = await store.jobList(page);
    const next = jobs.length === page.limit ? (jobs.at(-1)?.id ?? null) : null;
    return ok(reply, { jobs: jobs.map((j) => jobView(j, null)), next });
  });

  app.get<{ Params: { id: string } }>('/admin/jobs/:id', async (request, reply) =>
    ok(reply, await view(request.params.id)),
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/jobs/:id/${action}`, async (request, reply) => {
      const before = await store.jobGet({ id: request.params.id });
      if (before === undefined) throw notFound('job with this id');
      const after = await store.jobControl({ id: before.id, action, now: clock.now() });
      const moved = after !== undefined && after.state !== before.state;
      if (!moved)
        throw new HookgateError('CONFLICT', {
          message: `This job is ${before.state}: it cannot be ${action === 'cancel' ? 'cancelled' : `${action}d`}.`,
        });
      if (action === 'resume') replayJobs.wake();
      return ok(reply, await view(before.id));
    });
  }
}
