import { isCredentialHeader } from '../domain/credential-header.ts';

const redactedValue = '[redacted]';

/**
 * Copies headers for storage with credential values replaced: never stored, never shown. Two
 * nets: the source's own signature and credential headers, named by its provider (`declared`:
 * their names follow no pattern, `paypal-transmission-sig`, `x-shopify-hmac-sha256`), and any
 * header whose name says it is a credential, whatever the source (a proxy's token, a cookie).
 */
export function redactHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  declared: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = declared.includes(name) || isCredentialHeader(name) ? redactedValue : value;
  }
  return out;
}
