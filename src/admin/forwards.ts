import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HookgateError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { qualifiedName } from '../domain/tenant.ts';
import type { ErrorClass } from '../domain/outcome.ts';
import { notFound, ok, parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped } from './scope.ts';

/** Text a reporter sends (stored as any text is: NUL and lone surrogates as U+FFFD). */
const reported = (max: number) => z.string().max(max);

const forwardSchema = z.strictObject({
  /** Who forwarded: shown as the delivery's destination `listen:<listener>`. */
  listener: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"'),
  /** Made by the reporter, so a report sent again (after a lost answer) records nothing more. */
  attemptId: z.string().regex(/^att_[0-9a-f]{32}$/, 'not an attempt id (att_ and 32 hex digits)'),
  startedAt: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
  /** The local URL's HTTP status; null when it gave none (refused, timed out). */
  statusCode: z.number().int().min(100).max(599).nullable(),
  /** The first KiB of its answer. */
  responseBody: reported(1024).nullable().default(null),
  /** Why there was no answer (connection refused, timeout). */
  error: reported(500).nullable().default(null),
});

function errorClassOf(status: number | null): ErrorClass {
  if (status === null || status >= 500 || status === 429 || status === 408) return 'temporary';
  return status === 400 || status === 422 ? 'validation' : 'configuration';
}

/**
 * POST /admin/events/:id/forwards: `hookgate listen` reports what the developer's local URL
 * answered to one event it forwarded. It shows up as a delivery of the event (origin `listen`,
 * destination `listen:<listener>`, state `delivered` or `skipped`) with that one attempt, in
 * GET /admin/events/:id and the deliveries listing; the gateway never sends or retries it.
 */
export function forwardRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.post<{ Params: { id: string } }>(
    '/admin/events/:id/forwards',
    tenantScoped,
    async (request, reply) => {
      const f = parse(forwardSchema, request.body);
      // Another tenant's event is as absent as an unknown one.
      const event = scopeOf(request).visible(
        await deps.store.eventGet({ id: request.params.id }),
        (e) => e.tenant,
        'event with this id',
      );
      const took = f.statusCode !== null && f.statusCode >= 200 && f.statusCode <= 299;
      const error = took ? null : (f.error ?? `the local URL answered ${f.statusCode}`);
      const delivery = await deps.store.deliveryRecordForward({
        deliveryId: newId('dlv'),
        eventId: request.params.id,
        route: 'hookgate listen',
        // Named under the event's tenant, so the forward is that tenant's delivery (tenantOf).
        destination: qualifiedName(event.tenant, `listen:${f.listener}`),
        worker: f.listener,
        attempt: {
          id: f.attemptId,
          startedAt: f.startedAt,
          durationMs: f.durationMs,
          statusCode: f.statusCode,
          responseBody: f.responseBody,
          error,
          errorClass: took ? null : errorClassOf(f.statusCode),
          requestBody: null,
        },
        state: took ? 'delivered' : 'skipped',
        now: deps.clock.now(),
      });
      if (delivery === undefined) throw notFound('event with this id');
      if (delivery === 'conflict')
        throw new HookgateError('CONFLICT', {
          message: 'This attempt id was used by another delivery: make a new one.',
        });
      return ok(reply, { delivery });
    },
  );
}
