import type { FastifyInstance } from 'fastify';
import { ok, type AdminDeps } from './http.ts';
import { idempotencyView } from './idempotency.ts';

/** Dead letters as the store holds them: per destination (bounded counts) and the last hour. */
async function deadLetters(deps: AdminDeps) {
  const { depth } = await deps.observe.queue.queue();
  const byDestination = Object.fromEntries(
    Object.entries(depth).map(([destination, states]) => [destination, states.dead]),
  );
  return {
    total: Object.values(byDestination).reduce((a, b) => a + b, 0),
    lastHour: await deps.observe.queue.deadInLastHour(),
    byDestination,
  };
}

/**
 * Seed 004's monitoring routes: performance (per source and destination over the recent window,
 * slow operations) and everything in one (`/monitoring/metrics`: performance, dead letters,
 * idempotency, breakers).
 */
export function monitoringRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/monitoring/performance', async (_request, reply) =>
    ok(reply, deps.observe.performance.summary()),
  );

  app.get('/monitoring/metrics', async (_request, reply) => {
    const [dead, idempotency, breakers] = await Promise.all([
      deadLetters(deps),
      idempotencyView(deps),
      deps.dispatcher.breakerSnapshots(),
    ]);
    return ok(reply, {
      performance: deps.observe.performance.summary(),
      deadLetters: dead,
      idempotency,
      breakers: {
        open: breakers.filter((b) => b.state === 'open').length,
        list: breakers,
      },
    });
  });
}
