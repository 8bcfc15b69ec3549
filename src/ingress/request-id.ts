import { randomUUID } from 'node:crypto';

const maxLength = 128;
const unsafe = /[^A-Za-z0-9._:@-]/g;

/**
 * The caller's X-Request-ID or X-Correlation-ID, reduced to a safe charset and bounded length
 * (it is echoed in headers and written to logs), or a new UUID when neither is usable.
 */
export function requestIdFrom(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string {
  for (const name of ['x-request-id', 'x-correlation-id']) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const clean = value.replace(unsafe, '').slice(0, maxLength);
    if (clean !== '') return clean;
  }
  return randomUUID();
}
