import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Delivery, Store } from '../store/store.ts';
import { ok, parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped } from './scope.ts';

/** Why a delivery waits: its destination is paused, or an earlier one of its key goes first. */
export type Hold =
  | { readonly reason: 'destination paused' }
  | {
      readonly reason: 'ordering';
      readonly key: string;
      /** The delivery holding the key's turn (null: none; the ordering repair will restart it). */
      readonly waitingFor: Pick<
        Delivery,
        'id' | 'eventId' | 'state' | 'lastError' | 'deadReason' | 'nextAttemptAt'
      > | null;
      /** Deliveries of the key waiting behind it, this one included. */
      readonly queued: number;
    };

/** A held or queued delivery's hold, with the reason; null for any other. */
export async function holdOf(store: Store, delivery: Delivery): Promise<Hold | null> {
  if (delivery.state === 'held') return { reason: 'destination paused' };
  if (delivery.state !== 'queued' || delivery.orderingKey === null) return null;
  const [key] = await store.orderingKeyList({
    destination: delivery.destination,
    key: delivery.orderingKey,
    limit: 1,
  });
  const turn = key?.turn;
  return {
    reason: 'ordering',
    key: delivery.orderingKey,
    waitingFor: turn
      ? {
          id: turn.id,
          eventId: turn.eventId,
          state: turn.state,
          lastError: turn.lastError,
          deadReason: turn.deadReason,
          nextAttemptAt: turn.nextAttemptAt,
        }
      : null,
    queued: key?.queued ?? 0,
  };
}

const keysQuery = z.strictObject({
  destination: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Only keys whose turn holder is not pending: failing (retry), paused, dead or quarantined. */
  blocked: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Ordering keys: who holds each key's turn and how many wait behind it. */
export function orderingRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/admin/ordering/keys', tenantScoped, async (request, reply) => {
    const scope = scopeOf(request);
    const query = parse(keysQuery, request.query);
    return ok(reply, {
      keys: await deps.store.orderingKeyList({
        ...query,
        destination: scope.name(query.destination),
        tenant: scope.filterTenant,
      }),
    });
  });
}
