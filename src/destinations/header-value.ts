/**
 * Header values Hookgate sends (HTTP, NATS and AMQP headers) are built from bytes a provider
 * signed: an event type may hold an emoji, a lone surrogate, NUL or CR/LF. undici refuses such a
 * value locally, and a NATS header with CR/LF would break the protocol. So a value is sent as it
 * is only when it is visible ASCII (inner spaces allowed) without `%`; anything else is sent
 * percent-encoded as UTF-8 (`encodeURIComponent`, a lone surrogate as U+FFFD). A receiver can
 * therefore always `decodeURIComponent` the value to read the original.
 */
const plain = /^[\x21-\x24\x26-\x7e](?:[\x20-\x24\x26-\x7e]*[\x21-\x24\x26-\x7e])?$/;

export function headerValue(value: string): string {
  return plain.test(value) ? value : encodeURIComponent(value.toWellFormed());
}

/** RFC 9110 token: what a header name may be. */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Adds headers under lower-case names with encoded values; returns why one cannot be sent (a name
 * that is not a token, from a transform), or undefined.
 */
export function addHeaders(
  into: Record<string, string>,
  headers: Readonly<Record<string, string>>,
): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (!token.test(name)) return `invalid header name ${JSON.stringify(name.slice(0, 64))}`;
    into[name.toLowerCase()] = headerValue(value);
  }
  return undefined;
}
