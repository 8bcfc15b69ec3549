/**
 * W3C trace context (`traceparent`) as Hookgate reads it from a provider: attacker-controlled, so
 * only the exact version-00 form is accepted (55 characters, lower-case hex, ids not all zero);
 * anything else is ignored as if absent. https://www.w3.org/TR/trace-context/#traceparent-header
 */
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface ParsedTraceparent {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

export function parseTraceparent(value: unknown): ParsedTraceparent | undefined {
  if (typeof value !== 'string' || value.length !== 55) return undefined;
  const match = traceparentPattern.exec(value);
  if (match === null) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/** `{traceId, spanId}` for a log line, or nothing. */
export function traceFields(traceparent: string | null): { traceId?: string; spanId?: string } {
  const parsed = traceparent === null ? undefined : parseTraceparent(traceparent);
  return parsed ? { traceId: parsed.traceId, spanId: parsed.spanId } : {};
}
