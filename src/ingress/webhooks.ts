import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock.ts';
import { HookgateError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { RouteTable } from '../routing/route-table.ts';
import type { InsertOutcome, NewEvent } from '../store/store.ts';
import { makeWebhookRequest } from '../verify/request.ts';
import type { HandshakeReply, WebhookRequest } from '../verify/types.ts';
import { verifyWebhook } from '../verify/verified.ts';
import { telemetryNow } from '../telemetry/events.ts';
import { dedupeKeyFor } from './dedupe-key.ts';
import type { IngestTelemetry } from './ingest-telemetry.ts';
import type { GroupCommit } from '../domain/group-commit.ts';
import { redactHeaders } from './redact.ts';
import { sendAccepted } from './replies.ts';
import type { SourceLookup } from './source-lookup.ts';
import type { SourceRuntime } from './source-runtime.ts';
import { tenantOf } from '../domain/tenant.ts';

export interface IngressDeps {
  /** Finds the source a path names (a tenant's, or the default tenant's). */
  readonly sources: SourceLookup;
  readonly routes: RouteTable;
  readonly commits: GroupCommit<NewEvent, InsertOutcome>;
  readonly clock: Clock;
  readonly isDraining: () => boolean;
  /** Where ingest says what happened (metrics, traces and monitoring listen). */
  readonly telemetry: IngestTelemetry;
}

/** The paths providers post to; the seeds' paths are aliases of the first. */
export const webhookPrefixes = [
  '/webhooks',
  '/api/webhooks',
  '/api/v1/webhooks',
  '/api/v1/webhooks/generic',
];

declare module 'fastify' {
  interface FastifyRequest {
    hookgateSource: SourceRuntime | null;
    /** What of the path follows the source (`/status`), for providers that sign it. */
    hookgateSubpath: string;
    /** The Content-Type as received, kept aside while Fastify reads the body (see below). */
    hookgateContentType: string | undefined;
  }
}

/**
 * Every content type is accepted and the body kept as the exact bytes received. Fastify answers
 * 415 by itself to a Content-Type it cannot parse (`foo`, `;;;;`) before any parser runs, so
 * the header is set aside while the body is read (by the catch-all parser) and put back after.
 */
function setContentTypeAside(request: FastifyRequest): void {
  const value = request.headers['content-type'];
  if (value === undefined) return;
  request.hookgateContentType = value;
  // Undefined reads as absent to Fastify; assigning (not deleting) keeps the object's shape.
  request.headers['content-type'] = undefined;
}

function putContentTypeBack(request: FastifyRequest): void {
  if (request.hookgateContentType !== undefined)
    request.headers['content-type'] = request.hookgateContentType;
}

/** Node joins repeated headers except set-cookie, which stays an array; make every value a string. */
function flatHeaders(raw: FastifyRequest['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw))
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * Checks that cost nothing and need no body run first, in this order: draining, unknown source,
 * IP allowlist, rate limit, declared size. A rejected sender never gets its body read.
 */
async function admit(
  deps: IngressDeps,
  request: FastifyRequest<{ Params: { source: string; '*'?: string } }>,
): Promise<void> {
  const found = deps.sources.find(request.params.source, request.params['*']);
  deps.telemetry.received(request, found?.source);
  if (deps.isDraining())
    throw new HookgateError('UNAVAILABLE', {
      message: 'The gateway is shutting down; retry later.',
    });
  if (found === undefined) throw new HookgateError('UNKNOWN_SOURCE');
  const { source } = found;
  if (!source.allowsIp(request.ip)) throw new HookgateError('IP_NOT_ALLOWED');
  const rate = await source.takeRateToken(request.ip);
  if (!rate.allowed)
    throw new HookgateError('RATE_LIMITED', { retryAfter: rate.retryAfterSeconds });
  // The tenant's budget after the source's: a request one source refuses costs the tenant nothing.
  const tenantRate = await deps.sources.takeTenantToken(tenantOf(source.name));
  if (!tenantRate.allowed)
    throw new HookgateError('RATE_LIMITED', {
      message: "Too many requests for this source's tenant; retry later.",
      retryAfter: tenantRate.retryAfterSeconds,
    });
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > source.bodyLimit) throw new HookgateError('PAYLOAD_TOO_LARGE');
  request.hookgateSource = source;
  request.hookgateSubpath = found.subpath;
}

async function receive(
  deps: IngressDeps,
  request: FastifyRequest<{ Params: { source: string; '*'?: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  // The body is read: the Content-Type goes back (a hook of its own would cost every request).
  putContentTypeBack(request);
  const source = request.hookgateSource;
  if (source === null) throw new HookgateError('UNKNOWN_SOURCE');
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  // Chunked bodies have no Content-Length to check up front.
  if (body.length > source.bodyLimit) throw new HookgateError('PAYLOAD_TOO_LARGE');

  const headers = flatHeaders(request.headers);
  const subpath = request.hookgateSubpath;
  const webhook = makeWebhookRequest({
    method: request.method,
    url: request.url,
    subpath,
    headers,
    rawBody: body,
  });
  // GET exists only for verification challenges (Okta's one-time GET).
  const challengeHeader = source.config.verificationChallenge?.header;
  if (request.method === 'GET' && (challengeHeader === undefined || !headers[challengeHeader]))
    throw new HookgateError('METHOD_NOT_ALLOWED');
  const now = deps.clock.now();
  const trace = request.hookgateIngest?.trace ?? { traceparent: null };
  const verified = await deps.telemetry.step('webhook.verified', source.name, trace, () =>
    verifyWebhook(source.verify, webhook, now, (reason) =>
      request.log.warn({ source: source.name, reason }, 'signature rejected'),
    ),
  );

  const { handshake } = verified;
  // A handshake is kept (for the record) but never deduplicated or delivered.
  const dedupeStarted = telemetryNow();
  const dedupeKey = handshake ? null : dedupeKeyFor(source.config.dedupe.key, verified);
  deps.telemetry.deduped(source.name, trace, dedupeStarted, dedupeKey !== null);
  const deliveries = handshake
    ? []
    : deps.routes.deliveriesFor(source.name, {
        eventId: verified.eventId,
        eventType: verified.eventType,
        headers,
        body: () => webhook.json(),
      });
  if (!handshake && webhook.jsonFailed() && /\bjson\b/i.test(headers['content-type'] ?? '')) {
    throw new HookgateError('INVALID_PAYLOAD', {
      message: 'The body is declared as JSON but does not parse.',
    });
  }

  const event: NewEvent = {
    id: newId('evt'),
    source: source.name,
    provider: verified.provider,
    providerEventId: verified.eventId ?? null,
    eventType: verified.eventType ?? null,
    dedupeKey,
    dedupeUntil: now + source.config.dedupe.window,
    requestId: request.id,
    clientIp: request.ip,
    method: request.method,
    url: request.url,
    headers: redactHeaders(headers, source.redactHeaders),
    body,
    receivedAt: now,
    deliveries,
    traceContext: trace.traceparent,
  };
  let outcome: InsertOutcome;
  try {
    outcome = await deps.telemetry.step('webhook.committed', source.name, trace, () =>
      deps.commits.submit(event),
    );
  } catch (err) {
    throw new HookgateError('UNAVAILABLE', { cause: err });
  }
  deps.telemetry.accepted(request, reply, source, outcome, {
    handshake: handshake !== undefined,
    deliveries: deliveries.length,
  });
  if (handshake) {
    request.log.info({ source: source.name, eventId: outcome.eventId }, 'handshake answered');
    return reply
      .code(handshake.reply.status)
      .type(handshake.reply.contentType)
      .send(handshake.reply.body);
  }
  const custom = customReply(source, webhook, outcome.eventId, request.id);
  if (custom) {
    request.log.info(
      { source: source.name, eventId: outcome.eventId, duplicate: outcome.status === 'duplicate' },
      'stored; custom reply',
    );
    return reply.code(custom.status).type(custom.contentType).send(custom.body);
  }
  if (outcome.status === 'duplicate') {
    request.log.info(
      { source: source.name, eventId: outcome.eventId, duplicates: outcome.duplicateCount },
      'duplicate',
    );
    return sendAccepted(reply, {
      eventId: outcome.eventId,
      requestId: request.id,
      duplicate: true,
    });
  }
  request.log.info(
    {
      source: source.name,
      eventId: outcome.eventId,
      eventType: event.eventType,
      deliveries: deliveries.length,
    },
    'stored',
  );
  return sendAccepted(reply, { eventId: outcome.eventId, requestId: request.id });
}

/** The source's configured answer, else the provider's (Delivery Hero's remoteOrderId), if any. */
function customReply(
  source: SourceRuntime,
  webhook: WebhookRequest,
  eventId: string,
  requestId: string,
): HandshakeReply | undefined {
  const configured = source.config.response;
  if (configured) {
    return {
      status: configured.status,
      contentType: configured.contentType,
      body: configured.body
        .replaceAll('{{eventId}}', eventId)
        .replaceAll('{{requestId}}', requestId),
    };
  }
  return source.verify.provider.reply?.(webhook, { eventId });
}

/** Registers the webhook routes in their own context: raw-buffer body parsing applies only here. */
export function webhookRoutes(deps: IngressDeps, bodyLimit: number) {
  return function register(app: FastifyInstance): void {
    app.removeAllContentTypeParsers();
    // Every content type is kept as the exact bytes received; signatures are over bytes.
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, payload, done) =>
      done(null, payload),
    );
    app.decorateRequest('hookgateSource', null);
    app.decorateRequest('hookgateSubpath', '');
    deps.telemetry.register(app);
    app.decorateRequest('hookgateContentType', undefined);
    type Req = FastifyRequest<{ Params: { source: string; '*'?: string } }>;
    const options = {
      bodyLimit,
      onRequest: (request: Req) => {
        setContentTypeAside(request);
        return admit(deps, request);
      },
    };
    // PUT: some platforms send updates that way (Delivery Hero's order status updates).
    const method = ['POST', 'PUT', 'GET'];
    const handler = (request: Req, reply: FastifyReply) => receive(deps, request, reply);
    for (const prefix of webhookPrefixes) {
      app.route({ method, url: `${prefix}/:source`, ...options, handler });
      app.route({ method, url: `${prefix}/:source/*`, ...options, handler });
    }
  };
}
