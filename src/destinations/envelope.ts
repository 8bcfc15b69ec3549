import type { OutboundMessage } from './destination.ts';
import { addHeaders, headerValue } from './header-value.ts';

/**
 * The message a broker destination publishes: one JSON object with the event's identity and its
 * body. A body that is JSON (valid UTF-8 that parses) is embedded as its own bytes, so nothing is
 * lost (JSON.parse would round large numbers); anything else is base64 with its content type.
 * The route's transform output, when it has one, is the body.
 *
 * {"id","idempotencyKey","source","provider","type","providerEventId","requestId","receivedAt",
 *  "traceparent"?,"contentType","bodyEncoding":"json"|"base64","body"}
 *
 * `traceparent` (tracing on) is the send's W3C trace context, for consumers of Redis, which has
 * no message headers (NATS and AMQP carry it as a header as well).
 */
export function envelope(message: OutboundMessage): Buffer {
  const { event, body } = message;
  const contentType =
    message.headers['content-type'] ?? event.headers['content-type'] ?? 'application/octet-stream';
  const head = {
    id: event.id,
    idempotencyKey: message.id,
    source: event.source,
    provider: event.provider,
    type: event.eventType,
    providerEventId: event.providerEventId,
    requestId: event.requestId,
    receivedAt: new Date(event.receivedAt).toISOString(),
    ...(message.traceparent ? { traceparent: message.traceparent } : {}),
    contentType,
  };
  const prefix = JSON.stringify(head).slice(0, -1);
  const text = jsonText(body);
  if (text !== undefined)
    return Buffer.concat([
      Buffer.from(`${prefix},"bodyEncoding":"json","body":`),
      body,
      Buffer.from('}'),
    ]);
  return Buffer.from(
    `${prefix},"bodyEncoding":"base64","body":${JSON.stringify(body.toString('base64'))}}`,
  );
}

/** The body as text when it is valid UTF-8 holding one JSON value, else undefined. */
function jsonText(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) return undefined;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}

/**
 * The event's metadata as message headers (NATS, AMQP): names fixed, values through
 * `headerValue()` (percent-encoded UTF-8 when not plain ASCII), then the destination's own
 * headers and the transform's. Returns why one cannot be sent (a transform's header name that
 * is not a token), or the headers.
 */
export function messageHeaders(
  message: OutboundMessage,
  fixed: Readonly<Record<string, string>>,
): Record<string, string> | { readonly invalid: string } {
  const { event } = message;
  const out: Record<string, string> = {
    'hookgate-event-id': event.id,
    'hookgate-source': event.source,
    'hookgate-provider': headerValue(event.provider),
    'hookgate-request-id': headerValue(event.requestId),
    'idempotency-key': message.id,
  };
  if (event.eventType !== null) out['hookgate-event-type'] = headerValue(event.eventType);
  if (message.traceparent) out.traceparent = message.traceparent;
  const invalid = addHeaders(out, fixed) ?? addHeaders(out, message.headers);
  return invalid === undefined ? out : { invalid };
}
