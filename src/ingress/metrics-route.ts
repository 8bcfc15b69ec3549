import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { bearerMatcher } from '../admin/auth.ts';
import type { Config } from '../config/schema.ts';
import { HookgateError } from '../domain/errors.ts';
import { IpAllowlist } from './allowlist.ts';
import { errorHandler, notFoundHandler } from './replies.ts';
import type { Metrics } from '../observe/metrics.ts';

/**
 * Who may scrape: a client address in `metrics.allowIps` (the address as `server.trustedProxies`
 * resolves it), or a request with `Authorization: Bearer` and the metrics token (by default the
 * admin token). Anyone else: 401 when a token exists (so a scraper knows to send one), else 403.
 */
function scrapeAccess(config: Config) {
  const allowlist = new IpAllowlist(config.metrics.allowIps);
  const token = config.metrics.token ?? config.admin.token;
  const tokenMatches = token === undefined ? undefined : bearerMatcher(token);
  return async (request: FastifyRequest): Promise<void> => {
    if (allowlist.allows(request.ip) || tokenMatches?.(request)) return;
    throw new HookgateError(tokenMatches ? 'UNAUTHORIZED' : 'IP_NOT_ALLOWED');
  };
}

/** `GET /metrics` (Prometheus text format), behind the scrape access rules. */
export function metricsRoute(config: Config, metrics: Metrics) {
  return function register(app: FastifyInstance): void {
    app.get('/metrics', { onRequest: scrapeAccess(config) }, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.render()),
    );
  };
}

/**
 * The listener on `metrics.port`, when configured: only `/metrics`, with the same access rules,
 * so the scrape port can be opened to a monitoring network without the webhook routes.
 */
export function metricsServer(config: Config, metrics: Metrics, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    disableRequestLogging: true,
    trustProxy: config.server.trustedProxies.length > 0 ? [...config.server.trustedProxies] : false,
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  void app.register(metricsRoute(config, metrics));
  return app;
}
