import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HookgateError } from '../domain/errors.ts';
import { UnknownTargetError, type ReplayTargets } from '../replay/targets.ts';
import { InvalidCursorError } from '../store/search.ts';
import type { EventFilter, EventPage, SearchCount } from '../store/store.ts';
import { eventFilterSchema, pageSchema, toEventFilter } from './filters.ts';
import { notFound, ok, parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped, type Scope } from './scope.ts';
import { eventView } from './views.ts';

/** Where a replay goes: the routes as configured now (none named), or the named ones. */
export const targetsSchema = z.strictObject({
  routes: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
  destinations: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
});

/** Search results, their count, and the store's refusals as 400s. */
export async function searchEvents(
  deps: AdminDeps,
  filter: EventFilter,
  page: { limit: number; before?: string | undefined },
): Promise<{ page: EventPage; count: SearchCount }> {
  try {
    const [found, count] = await Promise.all([
      deps.store.eventSearch({
        filter,
        limit: page.limit,
        ...(page.before ? { before: page.before } : {}),
      }),
      deps.store.eventSearchCount({ filter, cap: 10_000 }),
    ]);
    return { page: found, count };
  } catch (err) {
    if (err instanceof InvalidCursorError)
      throw new HookgateError('INVALID_FILTER', { message: err.message });
    throw err;
  }
}

/**
 * A replay's targets as the scope reads them: a tenant's token names its own routes and
 * destinations; one of another tenant is refused as unknown (its existence is not revealed).
 */
export function scopedTargets(scope: Scope, targets: ReplayTargets): ReplayTargets {
  const own = (kind: string, names: readonly string[] | undefined) =>
    names?.map((n) => {
      const name = scope.name(n);
      if (!scope.owns(name))
        throw new HookgateError('INVALID_PAYLOAD', {
          message: `Invalid request: no ${kind} named "${n}"`,
        });
      return name;
    });
  return {
    ...(targets.routes ? { routes: own('route', targets.routes) } : {}),
    ...(targets.destinations ? { destinations: own('destination', targets.destinations) } : {}),
  };
}

/** Unknown routes and destinations named in a replay are the caller's mistake: 400. */
export async function withTargets<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UnknownTargetError)
      throw new HookgateError('INVALID_PAYLOAD', { message: `Invalid request: ${err.message}` });
    throw err;
  }
}

/** Events: search, one with its deliveries and attempts, retry and replay. */
export function eventRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, dispatcher, clock, replayer } = deps;

  /** The event when the scope sees it; else 404, as for an id that does not exist. */
  const eventIn = async (scope: Scope, id: string) =>
    scope.visible(await store.eventGet({ id }), (e) => e.tenant, 'event with this id');

  const eventWithAttempts = async (scope: Scope, id: string) => {
    const event = await eventIn(scope, id);
    const deliveries = await store.deliveryListByEvent({ eventId: id });
    const withAttempts = await Promise.all(
      deliveries.map(async (d) => ({
        ...d,
        attemptList: await store.attemptListByDelivery({ deliveryId: d.id }),
      })),
    );
    return eventView(event, withAttempts);
  };

  /**
   * Seed 003's manual retry: every delivery not delivered is made due now (fresh budget), and
   * each one that was delivered is replayed (a new delivery, its own idempotency key). An event
   * with no delivery at all is replayed to its routes as configured now.
   */
  const retryEvent = async (scope: Scope, id: string) => {
    await eventIn(scope, id);
    // A listener's reported forward (origin `listen`) is not the gateway's to retry.
    const deliveries = (await store.deliveryListByEvent({ eventId: id })).filter(
      (d) => d.origin !== 'listen',
    );
    let requeued = 0;
    for (const d of deliveries.filter((x) => x.state !== 'delivered')) {
      requeued += await store.deliveryRequeue({ id: d.id, now: clock.now() });
    }
    const delivered = [
      ...new Set(deliveries.filter((d) => d.state === 'delivered').map((d) => d.destination)),
    ];
    const replayed =
      deliveries.length === 0
        ? await replayer.replay(id, {})
        : delivered.length > 0
          ? await replayer.replay(id, { destinations: delivered })
          : [];
    dispatcher.wake();
    return { requeued, replayed: replayed?.length ?? 0, deliveries: replayed ?? [] };
  };

  const replayEvent = async (scope: Scope, id: string, body: unknown) => {
    const targets = scopedTargets(scope, parse(targetsSchema, body));
    await eventIn(scope, id);
    const made = await withTargets(() => replayer.replay(id, targets));
    if (made === undefined) throw notFound('event with this id');
    return { deliveries: made };
  };

  // The seed's paths (seed 001 §6, seed 003) are aliases: same handlers, same token.
  for (const prefix of ['/admin/events', '/api/v1/webhooks/events']) {
    app.get(prefix, tenantScoped, async (request, reply) => {
      const query = (request.query ?? {}) as Record<string, unknown>;
      const { limit, before, ...rest } = query;
      const page = parse(pageSchema, { limit, before }, 'INVALID_FILTER');
      const filter = scopeOf(request).filter(
        toEventFilter(parse(eventFilterSchema, rest, 'INVALID_FILTER')),
      );
      const { page: found, count } = await searchEvents(deps, filter, page);
      return ok(reply, { events: found.events, next: found.next, count });
    });
    app.get<{ Params: { id: string } }>(`${prefix}/:id`, tenantScoped, async (request, reply) =>
      ok(reply, await eventWithAttempts(scopeOf(request), request.params.id)),
    );
    app.post<{ Params: { id: string } }>(
      `${prefix}/:id/retry`,
      tenantScoped,
      async (request, reply) => ok(reply, await retryEvent(scopeOf(request), request.params.id)),
    );
    app.post<{ Params: { id: string } }>(
      `${prefix}/:id/replay`,
      tenantScoped,
      async (request, reply) =>
        ok(reply, await replayEvent(scopeOf(request), request.params.id, request.body)),
    );
  }
}
