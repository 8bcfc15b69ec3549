import type { FastifyInstance } from 'fastify';
import { notFound, ok, type AdminDeps } from './http.ts';
import { eventView } from './views.ts';

/** Events: one with its deliveries and attempts; retry what was not delivered. */
export function eventRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, dispatcher, clock } = deps;

  const eventWithAttempts = async (id: string) => {
    const event = await store.eventGet({ id });
    if (event === undefined) throw notFound('event with this id');
    const deliveries = await store.deliveryListByEvent({ eventId: id });
    const withAttempts = await Promise.all(
      deliveries.map(async (d) => ({
        ...d,
        attemptList: await store.attemptListByDelivery({ deliveryId: d.id }),
      })),
    );
    return eventView(event, withAttempts);
  };

  const retryEvent = async (id: string) => {
    const deliveries = await store.deliveryListByEvent({ eventId: id });
    if ((await store.eventGet({ id })) === undefined) throw notFound('event with this id');
    let requeued = 0;
    for (const d of deliveries.filter((x) => x.state !== 'delivered')) {
      requeued += await store.deliveryRequeue({ id: d.id, now: clock.now() });
    }
    dispatcher.wake();
    return { requeued };
  };

  // The seed's paths (seed 001 §6) are aliases: same handlers, same token.
  for (const prefix of ['/admin/events', '/api/v1/webhooks/events']) {
    app.get<{ Params: { id: string } }>(`${prefix}/:id`, async (request, reply) =>
      ok(reply, await eventWithAttempts(request.params.id)),
    );
    app.post<{ Params: { id: string } }>(`${prefix}/:id/retry`, async (request, reply) =>
      ok(reply, await retryEvent(request.params.id)),
    );
  }
}
