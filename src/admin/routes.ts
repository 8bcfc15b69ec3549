import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../domain/clock.ts';
import { HookgateError } from '../domain/errors.ts';
import type { Dispatcher } from '../delivery/dispatcher.ts';
import { deliveryStates, type DeliveryFilter, type Store } from '../store/store.ts';
import { bearerAuth } from './auth.ts';
import { eventView } from './views.ts';

export interface AdminDeps {
  readonly token: string;
  readonly store: Store;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
}

const time = z.union([
  z.coerce.number().int().nonnegative(),
  z.iso.datetime().transform((v) => Date.parse(v)),
]);

const filterSchema = z.strictObject({
  state: z.enum(deliveryStates as [string, ...string[]]).optional(),
  source: z.string().min(1).optional(),
  destination: z.string().min(1).optional(),
  since: time.optional(),
  until: time.optional(),
});

const listSchema = filterSchema.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw new HookgateError('INVALID_PAYLOAD', { message: `Invalid request: ${detail}` });
  }
  return result.data;
}

const ok = (reply: FastifyReply, data: unknown) => reply.send({ success: true, data });

/**
 * The operator API under /admin (Bearer ADMIN_TOKEN), plus the seeds' paths as aliases. Every
 * route is in this plugin's context, so the token check covers all of them.
 */
export function adminRoutes(deps: AdminDeps) {
  const { store, dispatcher, clock } = deps;

  const eventWithAttempts = async (id: string) => {
    const event = await store.eventGet({ id });
    if (event === undefined)
      throw new HookgateError('NOT_FOUND', { message: 'No event with this id.' });
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
    if ((await store.eventGet({ id })) === undefined)
      throw new HookgateError('NOT_FOUND', { message: 'No event with this id.' });
    let requeued = 0;
    for (const d of deliveries.filter((x) => x.state !== 'delivered')) {
      requeued += await store.deliveryRequeue({ id: d.id, now: clock.now() });
    }
    dispatcher.wake();
    return { requeued };
  };

  const destination = (name: string) => {
    const runtime = dispatcher.destinations.get(name);
    if (runtime === undefined)
      throw new HookgateError('NOT_FOUND', { message: 'No destination with this name.' });
    return runtime;
  };

  // With Redis these are the shared breakers: the same answer on every instance.
  const breakers = async () =>
    Promise.all(
      [...dispatcher.destinations.values()].flatMap((d) =>
        d.circuit ? [d.circuit.snapshot(clock.now())] : [],
      ),
    );

  const resetBreaker = async (name: string) => {
    const breaker = destination(name).circuit;
    if (breaker === undefined)
      throw new HookgateError('CONFLICT', { message: 'This destination has no circuit breaker.' });
    const snapshot = await breaker.reset(clock.now());
    dispatcher.wake();
    return snapshot;
  };

  const inState = async (query: unknown, state: 'dead' | 'quarantined') =>
    store.deliveryList({ ...parse(listSchema, query), state } as DeliveryFilter & {
      limit: number;
    });

  return function register(app: FastifyInstance): void {
    app.addHook('onRequest', bearerAuth(deps.token));

    app.get('/admin/deliveries', async (request, reply) => {
      const query = parse(listSchema, request.query);
      const deliveries = await store.deliveryList(query as DeliveryFilter & { limit: number });
      const next = deliveries.length === query.limit ? deliveries.at(-1)?.id : undefined;
      return ok(reply, { deliveries, next: next ?? null });
    });

    app.get<{ Params: { id: string } }>('/admin/deliveries/:id', async (request, reply) => {
      const delivery = await store.deliveryGet({ id: request.params.id });
      if (delivery === undefined)
        throw new HookgateError('NOT_FOUND', { message: 'No delivery with this id.' });
      return ok(reply, {
        ...delivery,
        attemptList: await store.attemptListByDelivery({ deliveryId: delivery.id }),
      });
    });

    app.post<{ Params: { id: string } }>('/admin/deliveries/:id/retry', async (request, reply) => {
      const delivery = await store.deliveryGet({ id: request.params.id });
      if (delivery === undefined)
        throw new HookgateError('NOT_FOUND', { message: 'No delivery with this id.' });
      if (delivery.state === 'delivered')
        throw new HookgateError('CONFLICT', { message: 'This delivery was delivered.' });
      const requeued = await store.deliveryRequeue({ id: delivery.id, now: clock.now() });
      if (requeued === 0)
        throw new HookgateError('CONFLICT', {
          message: 'This delivery is being attempted right now.',
        });
      dispatcher.wake();
      return ok(reply, { requeued });
    });

    app.post('/admin/deliveries/requeue', async (request, reply) => {
      const filter = parse(filterSchema, request.body) as DeliveryFilter;
      const requeued = await store.deliveryRequeue({ filter, now: clock.now() });
      dispatcher.wake();
      return ok(reply, { requeued });
    });

    app.get<{ Params: { id: string } }>('/admin/events/:id', async (request, reply) =>
      ok(reply, await eventWithAttempts(request.params.id)),
    );
    app.post<{ Params: { id: string } }>('/admin/events/:id/retry', async (request, reply) =>
      ok(reply, await retryEvent(request.params.id)),
    );

    app.get('/admin/destinations', async (_request, reply) => {
      const paused = new Set(await store.destinationPausedList());
      const list = await Promise.all(
        [...dispatcher.destinations.values()].map(async (d) => ({
          name: d.config.name,
          paused: paused.has(d.config.name),
          inFlight: d.inFlight,
          counts: d.counts,
          breaker: (await d.circuit?.snapshot(clock.now())) ?? null,
        })),
      );
      return ok(reply, { destinations: list });
    });

    for (const action of ['pause', 'resume'] as const) {
      app.post<{ Params: { name: string } }>(
        `/admin/destinations/:name/${action}`,
        async (request, reply) => {
          const name = destination(request.params.name).config.name;
          await store.destinationSetPaused({
            destination: name,
            paused: action === 'pause',
            reason: action === 'pause' ? 'paused by operator' : null,
            now: clock.now(),
          });
          if (action === 'resume') dispatcher.wake();
          return ok(reply, { destination: name, paused: action === 'pause' });
        },
      );
    }

    app.get('/admin/breakers', async (_request, reply) =>
      ok(reply, { breakers: await breakers() }),
    );
    app.post<{ Params: { name: string } }>('/admin/breakers/:name/reset', async (request, reply) =>
      ok(reply, await resetBreaker(request.params.name)),
    );
    app.get('/admin/dlq', async (request, reply) =>
      ok(reply, { deliveries: await inState(request.query, 'dead') }),
    );
    // Quarantined deliveries with their reasons; POST /admin/deliveries/:id/retry releases one
    // (it runs through the route's current transform again).
    app.get('/admin/quarantine', async (request, reply) =>
      ok(reply, { deliveries: await inState(request.query, 'quarantined') }),
    );

    // The seeds' paths (seed 001 §6), same handlers, same token.
    app.get<{ Params: { id: string } }>('/api/v1/webhooks/events/:id', async (request, reply) =>
      ok(reply, await eventWithAttempts(request.params.id)),
    );
    app.post<{ Params: { id: string } }>(
      '/api/v1/webhooks/events/:id/retry',
      async (request, reply) => ok(reply, await retryEvent(request.params.id)),
    );
    app.get('/monitoring/dlq', async (request, reply) =>
      ok(reply, { deliveries: await inState(request.query, 'dead') }),
    );
    app.get('/monitoring/circuit-breakers', async (_request, reply) =>
      ok(reply, { breakers: await breakers() }),
    );
    app.post<{ Params: { name: string } }>(
      '/monitoring/circuit-breakers/:name/reset',
      async (request, reply) => ok(reply, await resetBreaker(request.params.name)),
    );
  };
}
