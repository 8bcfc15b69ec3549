import type { FastifyInstance } from 'fastify';
import { ok, type AdminDeps } from './http.ts';
import { idempotencyView } from './idempotency.ts';
import { scopeOf, tenantScoped, type Scope } from './scope.ts';

const hourMs = 3_600_000;
/** A tenant's dead letters of the last hour are counted up to this. */
const lastHourCap = 1_000;

/** Dead letters as the store holds them: per destination (bounded counts) and the last hour. */
async function deadLetters(deps: AdminDeps, scope: Scope) {
  const { depth } = await deps.observe.queue.queue();
  const byDestination = scope.pick(
    Object.fromEntries(
      Object.entries(depth).map(([destination, states]) => [destination, states.dead]),
    ),
  );
  const lastHour =
    scope.tenant === null
      ? await deps.observe.queue.deadInLastHour()
      : (
          await deps.store.deadLetterList({
            filter: { tenant: scope.tenant, deadSince: deps.clock.now() - hourMs },
            limit: lastHourCap,
          })
        ).length;
  return {
    total: Object.values(byDestination).reduce((a, b) => a + b, 0),
    lastHour,
    byDestination,
  };
}

/** Performance over the recent window: a tenant's token sees its sources and destinations. */
function performance(deps: AdminDeps, scope: Scope) {
  const summary = deps.observe.performance.summary();
  return {
    ...summary,
    sources: scope.pick(summary.sources),
    destinations: scope.pick(summary.destinations),
    slowOperations: summary.slowOperations.filter((s) => scope.owns(s.name)),
  };
}

/**
 * Seed 004's monitoring routes: performance (per source and destination over the recent window,
 * slow operations) and everything in one (`/monitoring/metrics`: performance, dead letters,
 * idempotency, breakers). A tenant's token gets its own tenant's part of each.
 */
export function monitoringRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/monitoring/performance', tenantScoped, async (request, reply) =>
    ok(reply, performance(deps, scopeOf(request))),
  );

  app.get('/monitoring/metrics', tenantScoped, async (request, reply) => {
    const scope = scopeOf(request);
    const [dead, idempotency, breakers] = await Promise.all([
      deadLetters(deps, scope),
      idempotencyView(deps, scope),
      deps.dispatcher.breakerSnapshots(),
    ]);
    const own = breakers.filter((b) => scope.owns(b.destination));
    return ok(reply, {
      performance: performance(deps, scope),
      deadLetters: dead,
      idempotency,
      breakers: { open: own.filter((b) => b.state === 'open').length, list: own },
    });
  });
}
