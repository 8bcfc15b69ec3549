import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { clientErrorHandler, frameworkErrorHandler } from './client-errors.ts';

/**
 * The listening server's limits: how long a request's headers, and the whole request, may take
 * to arrive (a sender that trickles its body gets 408 instead of holding a connection for
 * ever), and Node's and Fastify's own answers in the documented error shape.
 */
export function httpServerOptions(
  server: Config['server'],
  logger: Logger,
): Pick<
  FastifyHttpOptions<Server>,
  'requestTimeout' | 'http' | 'clientErrorHandler' | 'frameworkErrors'
> {
  return {
    requestTimeout: server.requestTimeout,
    http: {
      headersTimeout: server.headersTimeout,
      // Node checks the two timeouts at this interval (default 30 s): a tenth of the shorter,
      // so a late request is answered within ~10 % of its limit.
      connectionsCheckingInterval: Math.max(50, Math.floor(server.headersTimeout / 10)),
    },
    clientErrorHandler: clientErrorHandler(logger),
    frameworkErrors: frameworkErrorHandler,
  };
}
