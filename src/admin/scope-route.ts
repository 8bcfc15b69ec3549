import type { FastifyInstance, RouteOptions } from 'fastify';
import { ok } from './http.ts';
import { scopeOf, tenantScoped } from './scope.ts';

interface AdminRoute {
  readonly method: string;
  readonly url: string;
  readonly tenantScoped: boolean;
}

/**
 * `GET /admin/scope`: who the token is (`tenant`: null for the operator) and the admin routes it
 * may call, so a dashboard or CLI shows what the token may see. Call first in the admin plugin:
 * it records the routes registered after it.
 */
export function scopeRoute(app: FastifyInstance): void {
  const routes: AdminRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      if (method !== 'HEAD')
        routes.push({
          method,
          url: route.url,
          tenantScoped: route.config?.tenantScoped === true,
        });
  });
  app.get('/admin/scope', tenantScoped, async (request, reply) => {
    const { tenant } = scopeOf(request);
    return ok(reply, {
      tenant,
      routes: routes.filter((r) => tenant === null || r.tenantScoped),
    });
  });
}
