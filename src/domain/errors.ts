/**
 * The registry of errors Hookgate answers with. Every code is stable: providers and operators
 * may match on it. Internal failures are logged in full and answered with a bare message.
 */
export const errorCatalog = {
  INVALID_SIGNATURE: { status: 401, message: 'The webhook signature could not be verified.' },
  INVALID_PAYLOAD: { status: 400, message: 'The request body is not acceptable.' },
  MALFORMED_REQUEST: {
    status: 400,
    message: 'The request is not well-formed HTTP (request line, URL, headers or framing).',
  },
  INVALID_FILTER: { status: 400, message: 'A filter or cursor of this request is not acceptable.' },
  UNAUTHORIZED: { status: 401, message: 'A valid admin token is required.' },
  OPERATOR_ONLY: {
    status: 403,
    message: "This route is the operator's: a tenant's admin token cannot use it.",
  },
  IP_NOT_ALLOWED: { status: 403, message: 'The client address is not allowed for this source.' },
  UNKNOWN_SOURCE: { status: 404, message: 'No source is configured under this name.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message:
      'This source takes webhooks by POST or PUT; GET only answers its verification challenge.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request headers or body did not arrive in time.',
  },
  CONFLICT: { status: 409, message: 'The resource is not in a state that allows this.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body exceeds the limit of this source.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The content type is not supported.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests for this source; retry later.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  UNAVAILABLE: { status: 503, message: 'The gateway cannot store events right now; retry later.' },
  INTERNAL: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** An error that maps to one catalog entry; anything else thrown is answered as INTERNAL. */
export class HookgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds, for RATE_LIMITED's Retry-After. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    opts: { message?: string; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(opts.message ?? errorCatalog[code].message, { cause: opts.cause });
    this.name = 'HookgateError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.retryAfter = opts.retryAfter;
  }
}
