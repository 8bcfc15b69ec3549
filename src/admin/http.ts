import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { HookgateError } from '../domain/errors.ts';
import type { Dispatcher } from '../delivery/dispatcher.ts';
import type { Destinations } from '../destinations/registry.ts';
import type { Observability } from '../observe/observability.ts';
import type { ReplayJobs } from '../maintenance/replay-jobs.ts';
import type { EventStreams } from './event-streams.ts';
import type { Replayer } from '../replay/replayer.ts';
import { deliveryStates, type Store } from '../store/store.ts';

/** What every admin resource's routes are built from. */
export interface AdminDeps {
  readonly token: string;
  readonly store: Store;
  readonly dispatcher: Dispatcher;
  /** The destinations' clients (their connections). */
  readonly destinations: Destinations;
  readonly clock: Clock;
  /** Telemetry and the views built from it (attempt counts, performance, activity, queue). */
  readonly observe: Observability;
  readonly config: Config;
  readonly replayer: Replayer;
  readonly replayJobs: ReplayJobs;
  /** The open live event streams. */
  readonly streams: EventStreams;
}

/** A time in a query or body: ms since the epoch, or ISO 8601. */
export const time = z.union([
  z.coerce.number().int().nonnegative(),
  z.iso.datetime().transform((v) => Date.parse(v)),
]);

export const filterSchema = z.strictObject({
  state: z.enum(deliveryStates as [string, ...string[]]).optional(),
  source: z.string().min(1).optional(),
  destination: z.string().min(1).optional(),
  since: time.optional(),
  until: time.optional(),
});

export const listSchema = filterSchema.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).optional(),
});

/**
 * Validates a query or body; a bad one is a 400 naming each problem (INVALID_PAYLOAD, or
 * INVALID_FILTER for the filters of search, replays and dead letters).
 */
export function parse<T>(
  schema: z.ZodType<T>,
  value: unknown,
  code: 'INVALID_PAYLOAD' | 'INVALID_FILTER' = 'INVALID_PAYLOAD',
): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw new HookgateError(code, { message: `Invalid request: ${detail}` });
  }
  return result.data;
}

export const ok = (reply: FastifyReply, data: unknown) => reply.send({ success: true, data });

export function notFound(what: string): HookgateError {
  return new HookgateError('NOT_FOUND', { message: `No ${what}.` });
}
