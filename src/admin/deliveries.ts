import type { FastifyInstance } from 'fastify';
import { HookgateError } from '../domain/errors.ts';
import type { DeliveryFilter } from '../store/store.ts';
import { tenantOf } from '../domain/tenant.ts';
import { filterSchema, listSchema, ok, parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped, type Scope } from './scope.ts';
import { holdOf } from './ordering.ts';

/** Deliveries: list, inspect, retry one, requeue by filter; the quarantine view (dead letters: dlq.ts). */
export function deliveryRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, dispatcher, clock } = deps;

  type Listing = DeliveryFilter & { limit: number };
  const inState = async (scope: Scope, query: unknown, state: 'quarantined') =>
    store.deliveryList(scope.filter({ ...parse(listSchema, query), state }) as Listing);

  /** The delivery when the scope sees it (a tenant's by its destination); else 404. */
  const deliveryIn = async (scope: Scope, id: string) =>
    scope.visible(
      await store.deliveryGet({ id }),
      (d) => tenantOf(d.destination),
      'delivery with this id',
    );

  app.get('/admin/deliveries', tenantScoped, async (request, reply) => {
    const query = parse(listSchema, request.query);
    const deliveries = await store.deliveryList(scopeOf(request).filter(query) as Listing);
    const next = deliveries.length === query.limit ? deliveries.at(-1)?.id : undefined;
    return ok(reply, { deliveries, next: next ?? null });
  });

  app.get<{ Params: { id: string } }>(
    '/admin/deliveries/:id',
    tenantScoped,
    async (request, reply) => {
      const delivery = await deliveryIn(scopeOf(request), request.params.id);
      return ok(reply, {
        ...delivery,
        hold: await holdOf(store, delivery),
        attemptList: await store.attemptListByDelivery({ deliveryId: delivery.id }),
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/deliveries/:id/retry',
    tenantScoped,
    async (request, reply) => {
      const delivery = await deliveryIn(scopeOf(request), request.params.id);
      if (delivery.state === 'delivered')
        throw new HookgateError('CONFLICT', { message: 'This delivery was delivered.' });
      if (delivery.state === 'queued')
        throw new HookgateError('CONFLICT', {
          message:
            'This delivery waits for an earlier delivery of its ordering key; requeue or discard that one (see its hold).',
        });
      const requeued = await store.deliveryRequeue({ id: delivery.id, now: clock.now() });
      if (requeued === 0)
        throw new HookgateError('CONFLICT', {
          message: 'This delivery is being attempted right now.',
        });
      dispatcher.wake();
      return ok(reply, { requeued });
    },
  );

  app.post('/admin/deliveries/requeue', tenantScoped, async (request, reply) => {
    const filter = scopeOf(request).filter(parse(filterSchema, request.body)) as DeliveryFilter;
    const requeued = await store.deliveryRequeue({ filter, now: clock.now() });
    dispatcher.wake();
    return ok(reply, { requeued });
  });

  // Quarantined deliveries with their reasons; POST /admin/deliveries/:id/retry releases one
  // (it runs through the route's current transform again).
  app.get('/admin/quarantine', tenantScoped, async (request, reply) =>
    ok(reply, { deliveries: await inState(scopeOf(request), request.query, 'quarantined') }),
  );
}
