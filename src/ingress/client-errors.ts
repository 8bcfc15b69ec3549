import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorCatalog, HookgateError, type ErrorCode } from '../domain/errors.ts';
import { requestIdFrom } from './request-id.ts';
import { sendError } from './replies.ts';

/** Node's parser and timeout errors, by the code Node gives them. */
function codeFor(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  return 'MALFORMED_REQUEST';
}

/** Node's response on the socket, if one started: the answer must not be written into it. */
function responseStarted(socket: Socket): boolean {
  // Node's own default handler checks the same (undocumented) field before writing.
  const message = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  return message?.headersSent === true;
}

/**
 * What Node answers by itself (a request that is not HTTP, headers over the size limit, headers or
 * body that do not arrive in time): there is no request object yet, so the answer is written to
 * the socket, in the documented shape with a request id, and the connection is closed.
 */
export function clientErrorHandler(logger: Logger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || !socket.writable || responseStarted(socket)) {
      socket.destroy();
      return;
    }
    const code = codeFor(error);
    const { status, message } = errorCatalog[code];
    const requestId = requestIdFrom({});
    const body = JSON.stringify({ success: false, error: { code, message } });
    logger.info({ requestId, code, reason: error.code }, 'client error');
    socket.end(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Request-ID: ${requestId}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  };
}

/**
 * Fastify's own refusals before routing, in the documented shape: a URL that does not decode is
 * MALFORMED_REQUEST; a path parameter over the router's limit (100 characters) names nothing that
 * can exist (names are at most 64), so it is NOT_FOUND, as an unknown name is.
 */
export function frameworkErrorHandler(
  error: Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const tooLong = (error as Error & { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH';
  const code: ErrorCode = tooLong ? 'NOT_FOUND' : 'MALFORMED_REQUEST';
  request.log.info({ code }, 'client error');
  void sendError(reply.header('x-request-id', request.id), new HookgateError(code));
}
