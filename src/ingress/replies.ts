import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalog, HookgateError, type ErrorCode } from '../domain/errors.ts';

export interface AcceptedData {
  readonly eventId: string;
  readonly requestId: string;
  readonly duplicate?: true;
}

export function sendAccepted(reply: FastifyReply, data: AcceptedData): FastifyReply {
  return reply.code(200).send({ success: true, data });
}

export function sendError(reply: FastifyReply, error: HookgateError): FastifyReply {
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
  return reply
    .code(errorCatalog[error.code].status)
    .send({ success: false, error: { code: error.code, message: error.message } });
}

/** Fastify's own client errors, mapped to our stable codes. */
function fromFastify(error: FastifyError): ErrorCode | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? 'INVALID_PAYLOAD'
        : undefined;
  }
}

/** Answers every error in the stable shape; anything unexpected is a logged 500 with no details. */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof HookgateError) {
    if (error.cause !== undefined)
      request.log.error({ err: error.cause, code: error.code }, error.message);
    else request.log.info({ code: error.code, route: request.routeOptions.url }, 'rejected');
    return sendError(reply, error);
  }
  const code = fromFastify(error);
  if (code !== undefined) {
    request.log.info({ code: error.code }, 'client error');
    return sendError(reply, new HookgateError(code));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, new HookgateError('INTERNAL'));
}

export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, new HookgateError('NOT_FOUND'));
}
