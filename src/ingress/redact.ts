import { isCredentialHeader } from '../domain/credential-header.ts';

const redactedValue = '[redacted]';

/**
 * Copies headers for storage with credential values replaced. `extra` names the source's own
 * signature header when it has an unusual name (generic HMAC).
 */
export function redactHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  extra: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = isCredentialHeader(name) || extra.includes(name) ? redactedValue : value;
  }
  return out;
}
