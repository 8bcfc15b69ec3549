import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { BreakerSnapshot } from '../delivery/circuit-breaker.ts';
import type { ConnectionCheck } from '../destinations/destination.ts';
import type { QueueView } from '../observe/queue-view.ts';
import type { RetentionStatus } from '../maintenance/retention.ts';
import type { RedisCheck } from '../shared/redis-connection.ts';
import type { Store } from '../store/store.ts';

export interface HealthDeps {
  readonly store: Store;
  readonly version: string;
  readonly startedAt: number;
  readonly isDraining: () => boolean;
  /** The last group commit's error, if the last one failed. */
  readonly lastCommitError: () => Error | undefined;
  /** Set when Redis is configured; never fails readiness (without it: local state). */
  readonly redisCheck?: () => Promise<RedisCheck>;
  /** Each broker destination's connection (HTTP destinations hold none). */
  readonly destinationConnections?: () => Record<string, ConnectionCheck>;
  /** Every destination's breaker (shared through Redis when configured). */
  readonly breakers?: () => Promise<readonly BreakerSnapshot[]>;
  /** Readiness fails while one of these destinations' breakers is open. */
  readonly criticalBreakers?: readonly string[];
  /** The queue as the store holds it (depth, oldest due, dead letters of the last hour). */
  readonly queue?: QueueView;
  /** Guards the detailed routes (the admin token); none: they are not served. */
  readonly adminAuth?: onRequestHookHandler;
  /** What retention pruned and when. */
  readonly retention?: () => RetentionStatus;
}

type Check = { status: 'ok' } | { status: 'failing'; error: string };

async function databaseCheck(deps: HealthDeps): Promise<Check & { latencyMs: number }> {
  const started = performance.now();
  try {
    await deps.store.ping();
    const commitError = deps.lastCommitError();
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    // A store that reads but cannot commit is not ready: providers would get 503s.
    return commitError
      ? { status: 'failing', error: 'last commit failed', latencyMs }
      : { status: 'ok', latencyMs };
  } catch {
    return {
      status: 'failing',
      error: 'unreachable',
      latencyMs: Math.round(performance.now() - started),
    };
  }
}

/**
 * `degraded`: Redis is away (webhooks are accepted and delivered on local state), or a broker
 * destination is not connected (its deliveries wait and retry; webhooks are still accepted).
 */
function overallStatus(
  draining: boolean,
  healthy: boolean,
  redis: RedisCheck | undefined,
  connections: Record<string, ConnectionCheck>,
) {
  if (draining) return 'draining';
  if (!healthy) return 'unavailable';
  const brokerDown = Object.values(connections).some((c) => c.status !== 'connected');
  return redis?.status === 'failing' || brokerDown ? 'degraded' : 'ok';
}

/** The configured critical destinations whose breaker is open now. */
async function openCriticalBreakers(deps: HealthDeps): Promise<string[]> {
  const critical = new Set(deps.criticalBreakers ?? []);
  if (critical.size === 0 || deps.breakers === undefined) return [];
  return (await deps.breakers())
    .filter((b) => critical.has(b.destination) && b.state === 'open')
    .map((b) => b.destination);
}

/**
 * `/health` for people and dashboards; `/health/live` and `/health/ready` for orchestrators
 * (seed 004's `/monitoring/health/live|ready` are aliases); `/health/detailed` (seed 003) and
 * `/monitoring/health/deep` (seed 004) behind the admin token.
 */
export function healthRoutes(deps: HealthDeps) {
  return function register(app: FastifyInstance): void {
    for (const path of ['/health/live', '/monitoring/health/live'])
      app.get(path, async () => ({ status: 'ok' }));

    for (const path of ['/health/ready', '/monitoring/health/ready'])
      app.get(path, async (_request, reply) => {
        const db = await databaseCheck(deps);
        const openBreakers = await openCriticalBreakers(deps);
        const ready = !deps.isDraining() && db.status === 'ok' && openBreakers.length === 0;
        const status = ready ? 'ok' : deps.isDraining() ? 'draining' : 'unavailable';
        return reply
          .code(ready ? 200 : 503)
          .send(openBreakers.length > 0 ? { status, openBreakers } : { status });
      });

    if (deps.adminAuth !== undefined)
      for (const path of ['/health/detailed', '/monitoring/health/deep'])
        app.get(path, { onRequest: deps.adminAuth }, async (_request, reply) => {
          const report = await detailedHealth(deps);
          return reply
            .code(report.status === 'ok' || report.status === 'degraded' ? 200 : 503)
            .send(report);
        });

    app.get('/health', async (_request, reply) => {
      const database = await databaseCheck(deps);
      let deliveries: Record<string, number> | { status: 'failing' };
      try {
        deliveries = await deps.store.deliveryCountByState();
      } catch {
        deliveries = { status: 'failing' };
      }
      const redis = await deps.redisCheck?.();
      const destinations = deps.destinationConnections?.() ?? {};
      const healthy = database.status === 'ok' && !deps.isDraining();
      return reply.code(healthy ? 200 : 503).send({
        status: overallStatus(deps.isDraining(), healthy, redis, destinations),
        version: deps.version,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
        checks: {
          database,
          deliveries,
          ...(redis ? { redis } : {}),
          ...(Object.keys(destinations).length > 0 ? { destinations } : {}),
        },
        ...(deps.retention ? { retention: deps.retention() } : {}),
      });
    });
  };
}

/**
 * Everything health depends on, in one answer: the store, Redis, each broker destination's
 * connection, the breakers (open ones named), dead letters of the last hour, the oldest due
 * delivery. `degraded`: serving, but something needs a look (Redis or a broker away, a breaker
 * open); `unavailable`: the store cannot commit, or a critical breaker is open.
 */
export async function detailedHealth(deps: HealthDeps) {
  const database = await databaseCheck(deps);
  const redis = await deps.redisCheck?.();
  const connections = deps.destinationConnections?.() ?? {};
  const breakers = (await deps.breakers?.()) ?? [];
  const open = breakers.filter((b) => b.state === 'open').map((b) => b.destination);
  const halfOpen = breakers.filter((b) => b.state === 'half_open').map((b) => b.destination);
  const critical = await openCriticalBreakers(deps);
  let queue: Record<string, unknown> | { status: 'failing' };
  try {
    const [deadLastHour, lag] = await Promise.all([
      deps.queue?.deadInLastHour(),
      deps.queue?.lagSeconds(),
    ]);
    const [oldest] = Object.entries(lag ?? {}).sort((a, b) => b[1] - a[1]);
    queue = {
      deadLettersLastHour: deadLastHour ?? null,
      oldestDue:
        oldest && oldest[1] > 0 ? { destination: oldest[0], waitingSeconds: oldest[1] } : null,
    };
  } catch {
    queue = { status: 'failing' };
  }
  const healthy = database.status === 'ok' && !deps.isDraining() && critical.length === 0;
  let status = overallStatus(deps.isDraining(), healthy, redis, connections);
  if (status === 'ok' && open.length > 0) status = 'degraded';
  return {
    status,
    version: deps.version,
    uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    checks: {
      database,
      ...(redis ? { redis } : {}),
      destinations: connections,
      breakers: { open, halfOpen, criticalOpen: critical },
      queue,
    },
  };
}
