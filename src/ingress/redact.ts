/**
 * A net for credential headers of any request, whatever its source (a proxy's token, a cookie).
 * The source's own signature and credential headers are named by its provider (`declared`):
 * their names follow no pattern (`paypal-transmission-sig`, `x-shopify-hmac-sha256`).
 */
const sensitive = /authorization|cookie|signature|token|secret|api-?key|password/i;

const redactedValue = '[redacted]';

/** Copies headers for storage with credential values replaced: never stored, never shown. */
export function redactHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  declared: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = declared.includes(name) || sensitive.test(name) ? redactedValue : value;
  }
  return out;
}
