import type { FastifyRequest } from 'fastify';
import type { EventSummary } from '../store/store.ts';

/** Whether the caller may see one event. */
export type EventVisibility = (event: EventSummary) => boolean;

/**
 * What the caller of `request` may see of the events: the one place the live stream (and anything
 * else that shows events one by one) asks, so a scope (tenancy) narrows every view at once. The
 * admin token sees everything.
 */
export function eventVisibility(_request: FastifyRequest): EventVisibility {
  return () => true;
}
