import type { FastifyInstance } from 'fastify';
import { HookgateError } from '../domain/errors.ts';
import { tenantOf } from '../domain/tenant.ts';
import { notFound, ok, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped, type Scope } from './scope.ts';

/** Destinations: state, pause/resume; circuit breakers: list and reset. */
export function destinationRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, dispatcher, destinations, clock } = deps;

  /** The destination a request names, within its scope (another tenant's: 404 as unknown). */
  const destination = (scope: Scope, given: string) => {
    const name = scope.name(given);
    const runtime = scope.owns(name) ? dispatcher.destinations.get(name) : undefined;
    if (runtime === undefined) throw notFound('destination with this name');
    return runtime;
  };

  // With Redis these are the shared breakers: the same answer on every instance.
  const breakers = async () => ({ breakers: await dispatcher.breakerSnapshots() });

  const resetBreaker = async (scope: Scope, name: string) => {
    const breaker = destination(scope, name).circuit;
    if (breaker === undefined)
      throw new HookgateError('CONFLICT', { message: 'This destination has no circuit breaker.' });
    const snapshot = await breaker.reset(clock.now());
    dispatcher.wake();
    return snapshot;
  };

  app.get('/admin/destinations', tenantScoped, async (request, reply) => {
    const scope = scopeOf(request);
    const paused = new Set(await store.destinationPausedList());
    const own = [...dispatcher.destinations.values()].filter((d) => scope.owns(d.config.name));
    const list = await Promise.all(
      own.map(async (d) => ({
        name: d.config.name,
        tenant: tenantOf(d.config.name),
        type: d.config.type,
        paused: paused.has(d.config.name),
        connection: destinations.get(d.config.name).connection() ?? null,
        // Counted from the attempt events, not read from the dispatcher.
        ...deps.observe.attempts.view(d.config.name),
        // Attempts allowed in flight now (null: only delivery.concurrency limits it).
        concurrency: d.concurrencyLimit ?? null,
        // The adaptive concurrency: its bounds, the last change and why (null: not adaptive).
        adaptive: d.adaptiveView(clock.now()),
        breaker: (await d.circuit?.snapshot(clock.now())) ?? null,
      })),
    );
    return ok(reply, { destinations: list });
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: { name: string } }>(
      `/admin/destinations/:name/${action}`,
      tenantScoped,
      async (request, reply) => {
        const name = destination(scopeOf(request), request.params.name).config.name;
        const reason = 'paused by operator';
        await store.destinationSetPaused({
          destination: name,
          paused: action === 'pause',
          reason: action === 'pause' ? reason : null,
          now: clock.now(),
        });
        if (action === 'resume') {
          deps.observe.telemetry.emit('destination.resumed', { destination: name });
          dispatcher.wake();
        } else
          deps.observe.telemetry.emit('destination.paused', {
            destination: name,
            reason,
            by: 'operator',
          });
        return ok(reply, { destination: name, paused: action === 'pause' });
      },
    );
  }

  // Seed 004's paths are aliases. Every breaker is the operator's view; a tenant's token sees its
  // own in GET /admin/destinations and resets them here.
  for (const prefix of ['/admin/breakers', '/monitoring/circuit-breakers']) {
    app.get(prefix, async (_request, reply) => ok(reply, await breakers()));
    app.post<{ Params: { name: string } }>(
      `${prefix}/:name/reset`,
      tenantScoped,
      async (request, reply) =>
        ok(reply, await resetBreaker(scopeOf(request), request.params.name)),
    );
  }
}
