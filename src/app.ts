import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { adminRoutes } from './admin/routes.ts';
import { EventStreams } from './admin/event-streams.ts';
import { streamSettleMs } from './admin/event-feed.ts';
import type { Config } from './config/schema.ts';
import type { Clock } from './domain/clock.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { redactedUrl } from './destinations/connection-state.ts';
import { Destinations } from './destinations/registry.ts';
import { GroupCommit } from './domain/group-commit.ts';
import { bearerAuth } from './admin/auth.ts';
import { healthRoutes } from './ingress/health.ts';
import { IngestTelemetry } from './ingress/ingest-telemetry.ts';
import { metricsRoute } from './ingress/metrics-route.ts';
import { Observability } from './observe/observability.ts';
import { httpServerOptions } from './ingress/http-server.ts';
import { InFlight } from './ingress/in-flight.ts';
import { errorHandler, notFoundHandler } from './ingress/replies.ts';
import { requestIdFrom } from './ingress/request-id.ts';
import { SourceRuntime } from './ingress/source-runtime.ts';
import { webhookRoutes } from './ingress/webhooks.ts';
import { RouteTable } from './routing/route-table.ts';
import { ReplayJobs } from './maintenance/replay-jobs.ts';
import { Retention } from './maintenance/retention.ts';
import { SearchIndexer } from './maintenance/search-indexer.ts';
import { Replayer } from './replay/replayer.ts';
import { RedisConnection } from './shared/redis-connection.ts';
import { orderTransforms } from './orders/transforms.ts';
import { buildTransforms } from './transform/registry.ts';
import type { InsertOutcome, NewEvent, Store } from './store/store.ts';
import { version } from './version.ts';

export interface AppDeps {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface HookgateApp {
  readonly http: FastifyInstance;
  readonly commits: GroupCommit<NewEvent, InsertOutcome>;
  readonly dispatcher: Dispatcher;
  /** The destinations' clients (broker connections). */
  readonly destinations: Destinations;
  /** The connection for shared limits and breakers, when `redis.url` is set. */
  readonly redis: RedisConnection | undefined;
  /** Telemetry and its subscribers: metrics, traces, the monitoring views. */
  readonly observe: Observability;
  /** Background services (started by server.ts with the dispatcher; tests drive them). */
  readonly searchIndexer: SearchIndexer;
  readonly retention: Retention;
  readonly replayJobs: ReplayJobs;
  /** The open live event streams (GET /admin/events/stream). */
  readonly eventStreams: EventStreams;
  /** From now on, webhooks get 503 and readiness fails; requests already in flight continue. */
  stopAccepting(): void;
  /**
   * Stop accepting (new requests get 503 and `Connection: close`, still listening), wait for the
   * requests in flight, stop listening, flush the last commit, stop dispatching (waiting up to
   * `dispatchTimeoutMs` for attempts in flight), close Redis. Does not close the store.
   */
  drain(dispatchTimeoutMs?: number): Promise<void>;
}

/** Wires the gateway. Never listens: the caller (server.ts or a test) decides that. */
export function buildApp(deps: AppDeps): HookgateApp {
  const { config, store, clock, logger } = deps;
  let draining = false;
  let lastCommitError: Error | undefined;
  const observe = new Observability({ config, store, clock, logger, version });
  const { telemetry } = observe;
  // Clients live here, built from the frozen configuration, never inside it.
  const destinations = new Destinations(config.destinations, {
    logger,
    onConnectionChange: (change) => telemetry.emit('connection.changed', change),
  });
  // Connects in the background: a Redis that is down does not stop the gateway (local state).
  const redisUrl = config.redis.url;
  const redis = redisUrl
    ? new RedisConnection({
        url: redisUrl,
        keyPrefix: config.redis.keyPrefix,
        logger,
        onChange: (status, error) =>
          telemetry.emit('connection.changed', {
            kind: 'redis',
            status,
            target: redactedUrl(redisUrl),
            error,
          }),
      })
    : undefined;
  const dispatcher = new Dispatcher({
    config,
    store,
    destinations,
    clock,
    logger,
    telemetry,
    transforms: buildTransforms(config, orderTransforms),
    ...(redis ? { redis } : {}),
  });

  const searchIndexer = new SearchIndexer({ store, logger });
  const retention = new Retention({ config, store, clock, logger });
  // What a pass deleted, for the metrics (what /health shows is read from status()).
  retention.on('pass', ({ at, durationMs, pruned, error }) => {
    const { dedupeKeys, ...rows } = pruned;
    telemetry.emit('retention.passed', { at, durationMs, pruned: rows, failed: error !== null });
    telemetry.emit('dedupe.swept', { removed: dedupeKeys, durationMs, at });
  });
  const wake = () => dispatcher.wake();
  const replayer = new Replayer({ config, store, clock, wake });
  const replayJobs = new ReplayJobs({ config, store, clock, logger, replayer, wake });

  const eventStreams = new EventStreams(
    { pollMs: config.admin.stream.poll, pingMs: config.admin.stream.ping },
    logger,
  );

  const wakeStreams = streamSettleMs(config.admin.stream.settle, store.engine) === 0;

  const commits = new GroupCommit<NewEvent, InsertOutcome>({
    commit: async (events) => {
      const started = performance.now();
      let error: Error | undefined;
      try {
        return await store.eventInsertBatch({ events });
      } catch (err) {
        error = err as Error;
        throw err;
      } finally {
        const durationMs = performance.now() - started;
        telemetry.emit('commit.finished', { size: events.length, durationMs, error });
      }
    },
    maxBatch: config.storage.maxBatch,
    // One commit at a time on both engines: requests arriving meanwhile make the next batch
    // bigger. On PostgreSQL two in flight measured no better (6.1k–6.8k vs 6.8k–7.1k req/s: more,
    // smaller statements).
    maxInFlight: 1,
    onCommit: (size, error) => {
      lastCommitError = error;
      if (!error) {
        dispatcher.wake();
        searchIndexer.noteStored(size);
        // Events a stream may send at once (no settle time): read them now, not at the next poll.
        if (wakeStreams) eventStreams.wake();
      }
    },
  });

  const sources = new Map(
    config.sources.map((s) => [s.name, new SourceRuntime(s, config.server.bodyLimit, redis)]),
  );
  const largestBody = Math.max(
    config.server.bodyLimit,
    ...[...sources.values()].map((s) => s.bodyLimit),
  );

  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: config.server.trustedProxies.length > 0 ? [...config.server.trustedProxies] : false,
    genReqId: (req) => requestIdFrom(req.headers),
    // Fastify's two lines per request are replaced by one outcome line from the handlers.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: true,
    }),
    bodyLimit: config.server.bodyLimit,
    return503OnClosing: false,
    ...httpServerOptions(config.server, logger),
  });
  const inFlight = new InFlight();
  inFlight.watch(http.server);
  // A callback hook, not an async one: it runs on every request, and has nothing to wait for.
  http.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    inFlight.arrived(reply.raw);
    done();
  });
  http.setErrorHandler(errorHandler);
  http.setNotFoundHandler(notFoundHandler);
  const metrics = observe.startMetrics({
    breakers: () => dispatcher.breakerSnapshots(),
    concurrency: () => dispatcher.concurrencyLimits(),
    connections: () => destinations.connections(),
    ...(redis ? { redisUp: () => redis.mode === 'shared' } : {}),
  });
  observe.instrument(http);
  if (metrics) void http.register(metricsRoute(config, metrics));
  const adminToken = config.admin.token;
  const adminEnabled = (config.admin.enabled ?? adminToken !== undefined) && adminToken;

  const isDraining = () => draining;
  void http.register(
    healthRoutes({
      store,
      version,
      startedAt: Date.now(),
      isDraining,
      lastCommitError: () => lastCommitError,
      destinationConnections: () => destinations.connections(),
      ...(redis ? { redisCheck: () => redis.check() } : {}),
      breakers: () => dispatcher.breakerSnapshots(),
      criticalBreakers: config.monitoring.criticalBreakers,
      queue: observe.queue,
      ...(adminEnabled ? { adminAuth: bearerAuth(adminEnabled) } : {}),
      retention: () => retention.status(),
    }),
  );
  if (adminEnabled) {
    void http.register(
      adminRoutes({
        token: adminEnabled,
        store,
        dispatcher,
        destinations,
        clock,
        observe,
        config,
        replayer,
        replayJobs,
        streams: eventStreams,
      }),
    );
  }
  void http.register(
    webhookRoutes(
      {
        sources,
        routes: new RouteTable(config),
        commits,
        clock,
        isDraining,
        telemetry: new IngestTelemetry(telemetry),
      },
      largestBody,
    ),
  );

  return {
    http,
    commits,
    dispatcher,
    destinations,
    redis,
    observe,
    searchIndexer,
    retention,
    replayJobs,
    eventStreams,
    stopAccepting() {
      draining = true;
    },
    async drain(dispatchTimeoutMs = config.server.shutdownTimeout) {
      draining = true;
      // Live streams never end by themselves: the clients reconnect (to another instance).
      eventStreams.endAll();
      // Still listening meanwhile: what arrives now is answered 503 and its connection closed.
      await inFlight.drain();
      await http.close();
      await commits.flush();
      await Promise.all([replayJobs.stop(), retention.stop(), searchIndexer.stop()]);
      await dispatcher.stop(dispatchTimeoutMs);
      await destinations.close();
      await redis?.close();
      await observe.close();
    },
  };
}
