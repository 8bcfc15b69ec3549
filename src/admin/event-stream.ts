import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HookgateError } from '../domain/errors.ts';
import { EventFeed, streamCursorPattern, streamSettleMs } from './event-feed.ts';
import { parse, type AdminDeps } from './http.ts';
import { scopeOf, tenantScoped } from './scope.ts';
import { eventVisibility } from './visibility.ts';

const cursor = z
  .string()
  .regex(streamCursorPattern, 'not an event id from this stream (evt_ and 32 hex digits)');

const streamQuerySchema = z.strictObject({
  source: z.string().min(1).max(512).optional(),
  after: cursor.optional(),
});

/**
 * GET /admin/events/stream: arriving events as Server-Sent Events (`id:` the stream position,
 * `event: event`, `data:` the event as the search lists it), `: ping` comments in between.
 * `Last-Event-ID` (what EventSource sends when it reconnects) or `?after=` resumes after that
 * event: no gap, no repeat (admin/event-feed.ts says how, with several instances too).
 */
export function eventStreamRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const stream = deps.config.admin.stream;
  const settleMs = streamSettleMs(stream.settle, deps.store.engine);

  app.get('/admin/events/stream', tenantScoped, async (request, reply) => {
    const query = parse(streamQuerySchema, request.query, 'INVALID_FILTER');
    const header = request.headers['last-event-id'];
    const lastEventId = Array.isArray(header) ? header[0] : header;
    let after = query.after;
    if (lastEventId !== undefined && lastEventId !== '') {
      const checked = cursor.safeParse(lastEventId);
      if (!checked.success)
        throw new HookgateError('INVALID_FILTER', {
          message: 'Invalid request: Last-Event-ID: not an event id from this stream',
        });
      after = checked.data;
    }
    // Stopping: a client reconnecting now is sent elsewhere (another instance, or later).
    if (deps.streams.refusing) throw new HookgateError('UNAVAILABLE');
    const feed = new EventFeed({
      store: deps.store,
      // A tenant's token names its own sources (`shop` is `acme/shop`).
      source: scopeOf(request).name(query.source),
      visible: eventVisibility(request),
      after,
      settleMs,
      overlapMs: stream.overlap,
    });
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    // Sent at once so the client knows it is connected before the first event.
    reply.raw.write(': connected\n\n');
    deps.streams.serve(feed, reply.raw);
  });
}
