import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config/observability.ts';
import type { Telemetry, TraceCarrier } from '../telemetry/events.ts';
import { parseTraceparent } from '../telemetry/trace-context.ts';

/** The W3C header of a span context. */
export function formatTraceparent(ctx: SpanContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A parent context from a traceparent, or none (malformed: ignored). */
function parentFrom(traceparent: string | null, sampled?: boolean): Context | undefined {
  const parsed = traceparent === null ? undefined : parseTraceparent(traceparent);
  if (parsed === undefined) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: (sampled ?? parsed.sampled) ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

/**
 * OpenTelemetry traces as a telemetry subscriber: one trace per event. The ingest span (with
 * verify, dedupe and commit as children) is the root, or a child of the provider's
 * `traceparent`; its context is stored with the event, and every attempt, minutes later and on
 * any instance, is its child (with transform and send children); the send span's context goes to
 * the destination. Spans are made from the events' own start and end times.
 */
export class Tracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly ingests = new WeakMap<TraceCarrier, Span>();
  private readonly attempts = new WeakMap<TraceCarrier, Span>();
  private readonly sends = new WeakMap<TraceCarrier, Span>();

  constructor(
    private readonly config: TracingConfig & { readonly endpoint: string },
    version: string,
  ) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': config.serviceName,
        'service.version': version,
      }),
      // Our own decision for new traces; an attempt follows the one stored with its event.
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
      spanProcessors: [
        new BatchSpanProcessor(
          new OTLPTraceExporter({ url: config.endpoint, headers: { ...config.headers } }),
          { scheduledDelayMillis: config.exportDelay },
        ),
      ],
    });
    this.tracer = this.provider.getTracer('hookgate', version);
  }

  /** Sends what is finished now (tests, shutdown). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }

  subscribe(telemetry: Telemetry): void {
    this.subscribeIngest(telemetry);
    this.subscribeAttempts(telemetry);
  }

  /**
   * A provider's traceparent is attacker-controlled: it must be exactly well-formed to be used,
   * and its sampled flag is replaced by our own ratio (random, not by trace id, which the sender
   * chose), so no sender can make us record every request.
   */
  private incomingParent(incoming: string | undefined): Context | undefined {
    if (!this.config.honourIncoming || incoming === undefined) return undefined;
    return parentFrom(incoming, Math.random() < this.config.sampleRatio);
  }

  private child(parent: Span | undefined, name: string, start: number, end: number, ok = true) {
    if (parent === undefined) return;
    const span = this.tracer.startSpan(
      name,
      { startTime: start },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    if (!ok) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(end);
  }

  private subscribeIngest(t: Telemetry): void {
    t.on('webhook.received', (e) => {
      const span = this.tracer.startSpan(
        'webhook receive',
        {
          kind: SpanKind.SERVER,
          startTime: e.at,
          attributes: {
            'hookgate.source': e.source ?? '(unknown)',
            'hookgate.request_id': e.requestId,
          },
        },
        this.incomingParent(e.incoming),
      );
      this.ingests.set(e.trace, span);
      e.trace.traceparent = formatTraceparent(span.spanContext());
    });
    t.on('webhook.verified', (e) =>
      this.child(this.ingests.get(e.trace), 'verify', e.startedAt, e.endedAt, e.ok),
    );
    t.on('webhook.deduped', (e) =>
      this.child(this.ingests.get(e.trace), 'dedupe', e.startedAt, e.endedAt),
    );
    t.on('webhook.committed', (e) =>
      this.child(this.ingests.get(e.trace), 'commit', e.startedAt, e.endedAt, e.ok),
    );
    const end = (carrier: TraceCarrier, attributes: Record<string, string>, error?: string) => {
      const span = this.ingests.get(carrier);
      if (span === undefined) return;
      this.ingests.delete(carrier);
      span.setAttributes(attributes);
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end();
    };
    t.on('webhook.stored', (e) =>
      end(e.trace, {
        'hookgate.event_id': e.eventId,
        'hookgate.result': e.handshake ? 'handshake' : 'accepted',
      }),
    );
    t.on('webhook.duplicate', (e) =>
      end(e.trace, { 'hookgate.event_id': e.eventId, 'hookgate.result': 'duplicate' }),
    );
    t.on('webhook.rejected', (e) =>
      end(
        e.trace,
        { 'hookgate.result': e.code, 'http.response.status_code': String(e.status) },
        e.code,
      ),
    );
  }

  private subscribeAttempts(t: Telemetry): void {
    t.on('attempt.started', (e) => {
      // The stored context is ours (its sampled flag is the decision made at ingest).
      const span = this.tracer.startSpan(
        'delivery attempt',
        {
          startTime: e.at,
          attributes: {
            'hookgate.event_id': e.eventId,
            'hookgate.delivery_id': e.deliveryId,
            'hookgate.destination': e.destination,
            'hookgate.attempt': e.number,
          },
        },
        parentFrom(e.trace.traceparent),
      );
      this.attempts.set(e.trace, span);
      e.trace.traceparent = formatTraceparent(span.spanContext());
    });
    t.on('attempt.transformed', (e) =>
      this.child(
        this.attempts.get(e.trace),
        'transform',
        e.startedAt,
        e.endedAt,
        e.kind !== 'failed',
      ),
    );
    t.on('attempt.sending', (e) => {
      const parent = this.attempts.get(e.trace);
      if (parent === undefined) return;
      const span = this.tracer.startSpan(
        'send',
        {
          kind: e.destinationType === 'http' ? SpanKind.CLIENT : SpanKind.PRODUCER,
          startTime: e.at,
          attributes: { 'hookgate.destination_type': e.destinationType },
        },
        trace.setSpan(ROOT_CONTEXT, parent),
      );
      this.sends.set(e.trace, span);
      // What the destination receives as its parent.
      e.trace.traceparent = formatTraceparent(span.spanContext());
    });
    t.on('attempt.sent', (e) => {
      const span = this.sends.get(e.trace);
      if (span === undefined) return;
      this.sends.delete(e.trace);
      const { verdict } = e;
      if (verdict.status !== null) span.setAttribute('http.response.status_code', verdict.status);
      if (verdict.kind === 'failed')
        span.setStatus({ code: SpanStatusCode.ERROR, message: verdict.errorClass });
      span.end(e.endedAt);
      // Log lines from here on name the attempt's span.
      const attempt = this.attempts.get(e.trace);
      if (attempt) e.trace.traceparent = formatTraceparent(attempt.spanContext());
    });
    t.on('attempt.finished', (e) => {
      const span = this.attempts.get(e.trace);
      if (span === undefined) return;
      this.attempts.delete(e.trace);
      const { outcome } = e.report;
      span.setAttribute('hookgate.outcome', outcome.state);
      if (outcome.errorClass !== null) {
        span.setAttribute('hookgate.error_class', outcome.errorClass);
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorClass });
      }
      span.end(e.at);
    });
    t.on('attempt.errored', (e) => {
      const span = this.attempts.get(e.trace);
      if (span === undefined) return;
      this.attempts.delete(e.trace);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'not recorded' });
      span.end();
    });
  }
}

/** A tracer when an OTLP endpoint is configured; none otherwise (tracing off). */
export function createTracing(config: TracingConfig, version: string): Tracing | undefined {
  const { endpoint } = config;
  return endpoint === undefined ? undefined : new Tracing({ ...config, endpoint }, version);
}
