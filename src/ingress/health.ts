import type { FastifyInstance } from 'fastify';
import type { ConnectionCheck } from '../destinations/destination.ts';
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

/** `/health` for people and dashboards; `/health/live` and `/health/ready` for orchestrators. */
export function healthRoutes(deps: HealthDeps) {
  return function register(app: FastifyInstance): void {
    app.get('/health/live', async () => ({ status: 'ok' }));

    app.get('/health/ready', async (_request, reply) => {
      const db = await databaseCheck(deps);
      const ready = !deps.isDraining() && db.status === 'ok';
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ok' : deps.isDraining() ? 'draining' : 'unavailable' });
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
      });
    });
  };
}
