import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HookgateError } from '../domain/errors.ts';
import type { DeadLetterAction, DeadLetterFilter, Store } from '../store/store.ts';
import { deadLetterReport } from './dead-letter-stats.ts';
import { deadLetterFilterSchema, pageSchema, reviewSchema } from './filters.ts';
import { tenantOf } from '../domain/tenant.ts';
import { ok, parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped, type Scope } from './scope.ts';
import { bodyView } from './views.ts';

const actions = ['review', 'requeue', 'discard'] as const;

/** A bulk action's body: the filter's fields, and who and why. */
const bulkSchema = deadLetterFilterSchema.extend(reviewSchema.shape);

const exportSchema = deadLetterFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
});

/** Splits a query into its page and its dead-letter filter (each a 400 of its own). */
function pageAndFilter(query: unknown): {
  page: z.output<typeof pageSchema>;
  filter: DeadLetterFilter;
} {
  const { limit, before, ...rest } = (query ?? {}) as Record<string, unknown>;
  return {
    page: parse(pageSchema, { limit, before }, 'INVALID_FILTER'),
    filter: parse(deadLetterFilterSchema, rest, 'INVALID_FILTER'),
  };
}

/** Dead letters a bulk action's plan counts at most (read a page at a time). */
const planCap = 10_000;

/**
 * What a bulk review / requeue / discard by this filter would touch, before doing it: how many
 * (exactly up to `planCap`), by destination and by review state.
 */
async function bulkPlan(store: Store, filter: DeadLetterFilter) {
  const byDestination: Record<string, number> = {};
  const byReview: Record<string, number> = {};
  let count = 0;
  let before: string | undefined;
  while (count < planCap) {
    const page = await store.deadLetterList({ filter, limit: 500, before });
    for (const d of page) {
      byDestination[d.destination] = (byDestination[d.destination] ?? 0) + 1;
      byReview[d.review] = (byReview[d.review] ?? 0) + 1;
    }
    count += page.length;
    if (page.length < 500) return { count, exact: true, byDestination, byReview };
    before = page.at(-1)?.id;
  }
  return { count, exact: false, byDestination, byReview };
}

/** NDJSON lines: each dead letter with its event (body as text or base64) and every attempt. */
async function* exportLines(store: Store, filter: DeadLetterFilter, limit: number) {
  let before: string | undefined;
  let sent = 0;
  while (sent < limit) {
    const page = await store.deadLetterList({ filter, limit: Math.min(200, limit - sent), before });
    for (const deadLetter of page) {
      const event = await store.eventGet({ id: deadLetter.eventId });
      const attempts = await store.attemptListByDelivery({ deliveryId: deadLetter.id });
      const errors = [...new Set(attempts.flatMap((a) => (a.error === null ? [] : [a.error])))];
      const eventView = event && { ...event, ...bodyView(event.body) };
      yield `${JSON.stringify({ deadLetter, event: eventView ?? null, attempts, errors })}\n`;
      sent += 1;
    }
    if (page.length < 200) return;
    before = page.at(-1)?.id;
  }
}

/**
 * The dead-letter queue (seed 004): list and filter, review / requeue / discard one or by
 * filter (with the plan of a bulk action first), export as NDJSON, failure patterns and
 * statistics, clear the discarded.
 */
export function deadLetterRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, clock, dispatcher, config } = deps;

  const list = async (scope: Scope, query: unknown) => {
    const { page, filter } = pageAndFilter(query);
    const deliveries = await store.deadLetterList({ filter: scope.filter(filter), ...page });
    return {
      deliveries,
      next: deliveries.length === page.limit ? (deliveries.at(-1)?.id ?? null) : null,
    };
  };

  const act = async (
    action: (typeof actions)[number],
    target: DeadLetterAction['target'],
    body: z.output<typeof reviewSchema>,
  ) => {
    const moved = await store.deadLetterAct({
      action,
      target,
      actor: body.by ?? 'admin',
      note: body.note ?? null,
      now: clock.now(),
    });
    // A requeue makes deliveries due; a discard may pass an ordering key's turn to the next.
    if (action !== 'review' && moved > 0) dispatcher.wake();
    return moved;
  };

  const report = (scope: Scope) => deadLetterReport(store, config, clock.now(), scope.filterTenant);

  app.get('/admin/dlq', tenantScoped, async (request, reply) =>
    ok(reply, await list(scopeOf(request), request.query)),
  );
  // Seed 004's path: the first page and the statistics.
  app.get('/monitoring/dlq', tenantScoped, async (request, reply) => {
    const scope = scopeOf(request);
    return ok(reply, { ...(await list(scope, request.query)), stats: await report(scope) });
  });
  app.get('/admin/dlq/patterns', tenantScoped, async (request, reply) =>
    ok(reply, await report(scopeOf(request))),
  );
  app.get('/admin/dlq/plan', tenantScoped, async (request, reply) => {
    const filter = parse(deadLetterFilterSchema, request.query, 'INVALID_FILTER');
    return ok(reply, await bulkPlan(store, scopeOf(request).filter(filter)));
  });
  app.get('/admin/dlq/export', tenantScoped, async (request, reply) => {
    const { limit, ...filter } = parse(exportSchema, request.query, 'INVALID_FILTER');
    const scoped = scopeOf(request).filter(filter);
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="dead-letters.ndjson"')
      .send(Readable.from(exportLines(store, scoped, limit)));
  });
  // Deletes across tenants: the operator's.
  app.delete('/admin/dlq/discarded', async (_request, reply) => {
    let deleted = { deliveries: 0, attempts: 0 };
    for (;;) {
      const r = await store.deadLetterPurge({ limit: 500 });
      deleted = {
        deliveries: deleted.deliveries + r.deliveries,
        attempts: deleted.attempts + r.attempts,
      };
      if (r.deliveries < 500) break;
    }
    return ok(reply, { deleted: deleted.deliveries, attempts: deleted.attempts });
  });

  for (const action of actions) {
    // One dead letter.
    app.post<{ Params: { deliveryId: string } }>(
      `/admin/dlq/:deliveryId/${action}`,
      tenantScoped,
      async (request, reply) => {
        const body = parse(reviewSchema, request.body);
        const id = request.params.deliveryId;
        scopeOf(request).visible(
          await store.deliveryGet({ id }),
          (d) => tenantOf(d.destination),
          'delivery with this id',
        );
        const moved = await act(action, { id }, body);
        if (moved === 0)
          throw new HookgateError('CONFLICT', {
            message: 'This delivery is not a dead letter (or is being attempted right now).',
          });
        return ok(reply, {
          [actionCount[action]]: moved,
          delivery: await store.deliveryGet({ id }),
        });
      },
    );
    // Every dead letter matching the body's filter.
    app.post(`/admin/dlq/${action}`, tenantScoped, async (request, reply) => {
      const { by, note, ...filter } = parse(bulkSchema, request.body, 'INVALID_FILTER');
      const moved = await act(action, { filter: scopeOf(request).filter(filter) }, { by, note });
      return ok(reply, { [actionCount[action]]: moved });
    });
  }
}

const actionCount = { review: 'reviewing', requeue: 'requeued', discard: 'discarded' } as const;
