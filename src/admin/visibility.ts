import type { FastifyRequest } from 'fastify';
import type { EventSummary } from '../store/store.ts';
import { scopeOf } from './scope.ts';

/** Whether the caller may see one event. */
export type EventVisibility = (event: EventSummary) => boolean;

/**
 * What the caller of `request` may see of the events: the one place the live stream (and anything
 * else that shows events one by one) asks, so the token's scope (src/admin/scope.ts) narrows
 * every view at once: the operator's token sees everything, a tenant's its own tenant's events.
 */
export function eventVisibility(request: FastifyRequest): EventVisibility {
  const scope = scopeOf(request);
  return (event) => scope.sees(event.tenant);
}
