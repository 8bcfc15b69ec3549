import type { FastifyInstance } from 'fastify';
import { notFound, ok, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped } from './scope.ts';

/** Results that are not a rejection. */
const acceptedResults = new Set(['accepted', 'duplicate', 'handshake']);
/** With at least this many requests in the window, more than half rejected is `failing`. */
const minimumForVerdict = 10;

function summarize(counts: Record<string, number>) {
  let accepted = 0;
  let rejected = 0;
  for (const [result, n] of Object.entries(counts))
    if (acceptedResults.has(result)) accepted += n;
    else rejected += n;
  return { accepted, rejected, byResult: counts };
}

/**
 * Seed 001's `GET /api/webhooks/health/:source`: how one source is set up and what it received
 * lately (this instance): accepted and rejected counts over the monitoring window and the last
 * hour, by result (accepted, duplicate, handshake, or the error code). `GET /admin/sources`:
 * every source's, at once.
 */
export function sourceHealthRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { config, observe } = deps;
  app.get<{ Params: { source: string } }>(
    '/api/webhooks/health/:source',
    tenantScoped,
    async (request, reply) => {
      const scope = scopeOf(request);
      const name = scope.name(request.params.source);
      const source = scope.owns(name) ? config.sources.find((s) => s.name === name) : undefined;
      if (source === undefined) throw notFound('source with this name');
      const recent = summarize(observe.activity.recent(source.name, config.monitoring.window));
      const lastHour = summarize(observe.activity.recent(source.name, 3_600_000));
      const total = recent.accepted + recent.rejected;
      const failing = total >= minimumForVerdict && recent.rejected / total > 0.5;
      return ok(reply, {
        status: failing ? 'failing' : 'healthy',
        source: source.name,
        provider: source.provider,
        endpoint: `/webhooks/${source.name}`,
        timestamp: new Date(deps.clock.now()).toISOString(),
        configuration: {
          signatureValidation: source.provider !== 'none',
          rateLimiting: source.rateLimit !== undefined,
          ipWhitelisting: source.allowIps !== undefined,
        },
        recent: { windowMs: config.monitoring.window, ...recent },
        lastHour,
      });
    },
  );

  // Every source at once, for the dashboard: what it is and what it received lately.
  app.get('/admin/sources', tenantScoped, async (request, reply) => {
    const scope = scopeOf(request);
    return ok(reply, {
      windowMs: config.monitoring.window,
      sources: config.sources
        .filter((s) => scope.owns(s.name))
        .map((s) => ({
          name: s.name,
          provider: s.provider,
          endpoint: `/webhooks/${s.name}`,
          recent: summarize(observe.activity.recent(s.name, config.monitoring.window)),
          lastHour: summarize(observe.activity.recent(s.name, 3_600_000)),
          sinceStart: summarize(observe.activity.total(s.name)),
        })),
    });
  });
}
