import type { ErrorClass, Verdict } from '../../domain/outcome.ts';

/** What undici reported for one request. */
export type HttpResult =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter?: string | undefined }
  | { readonly kind: 'network'; readonly error: string; readonly timeout: boolean }
  /** undici refused the request itself before sending anything (an invalid argument). */
  | { readonly kind: 'local'; readonly error: string };

/** A status's class, as in seed 001. */
export function classifyStatus(status: number): ErrorClass {
  const s = status;
  if (s === 408 || s === 425 || s === 429 || s >= 500) return 'temporary';
  if (s === 400 || s === 409 || s === 413 || s === 415 || s === 422) return 'validation';
  if (s === 401 || s === 403 || s === 404 || s === 405 || s === 410 || (s >= 300 && s < 400))
    return 'configuration';
  return 'unknown';
}

/** An HTTP attempt's verdict: 2xx delivered; else its class, 410 gone, Retry-After kept. */
export function httpVerdict(result: HttpResult, response: string | null = null): Verdict {
  switch (result.kind) {
    case 'response':
      if (result.status >= 200 && result.status < 300)
        return { kind: 'delivered', status: result.status, response };
      return {
        kind: 'failed',
        errorClass: classifyStatus(result.status),
        error: `HTTP ${result.status}`,
        status: result.status,
        response,
        retryAfter: result.retryAfter,
        gone: result.status === 410,
      };
    case 'network':
      return {
        kind: 'failed',
        errorClass: 'temporary',
        error: result.timeout ? `timeout: ${result.error}` : result.error,
        status: null,
        response: null,
      };
    case 'local':
      return {
        kind: 'failed',
        errorClass: 'client',
        error: `request refused by the HTTP client: ${result.error}`,
        status: null,
        response: null,
      };
  }
}
