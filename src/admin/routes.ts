import type { FastifyInstance } from 'fastify';
import { HookgateError } from '../domain/errors.ts';
import { adminAuth } from './auth.ts';
import { deliveryRoutes } from './deliveries.ts';
import { destinationRoutes } from './destinations.ts';
import { deadLetterRoutes } from './dlq.ts';
import { eventRoutes } from './events.ts';
import { eventStreamRoutes } from './event-stream.ts';
import { forwardRoutes } from './forwards.ts';
import { jobRoutes } from './jobs.ts';
import { replayRoutes } from './replays.ts';
import type { AdminDeps } from './http.ts';
import { idempotencyRoutes } from './idempotency.ts';
import { monitoringRoutes } from './monitoring.ts';
import { sourceHealthRoutes } from './source-health.ts';
import { orderingRoutes } from './ordering.ts';
import { queueRoutes } from './queue.ts';
import { scopeRoute } from './scope-route.ts';

export type { AdminDeps } from './http.ts';

/**
 * The operator API under /admin (Bearer ADMIN_TOKEN, or a tenant's token on the routes marked
 * `tenantScoped`), plus the seeds' paths as aliases, one file per resource. Every route is in
 * this plugin's context, so the token check (src/admin/auth.ts) covers all of them.
 */
export function adminRoutes(deps: AdminDeps) {
  return function register(app: FastifyInstance): void {
    app.addHook('onRequest', adminAuth(deps.tokens));
    // An id or name with NUL names nothing (PostgreSQL text cannot even hold it): 404 up front.
    app.addHook('preHandler', async (request) => {
      for (const value of Object.values(request.params ?? {}))
        if (typeof value === 'string' && value.includes('\u0000'))
          throw new HookgateError('NOT_FOUND', { message: 'No resource with this id or name.' });
    });
    scopeRoute(app);
    eventStreamRoutes(app, deps);
    eventRoutes(app, deps);
    forwardRoutes(app, deps);
    deliveryRoutes(app, deps);
    destinationRoutes(app, deps);
    monitoringRoutes(app, deps);
    idempotencyRoutes(app, deps);
    sourceHealthRoutes(app, deps);
    orderingRoutes(app, deps);
    deadLetterRoutes(app, deps);
    replayRoutes(app, deps);
    jobRoutes(app, deps);
    queueRoutes(app, deps);
  };
}
