import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HookgateError, type ErrorCode } from '../domain/errors.ts';
import { telemetryNow, type Telemetry, type TraceCarrier } from '../telemetry/events.ts';
import { traceFields } from '../telemetry/trace-context.ts';
import type { InsertOutcome } from '../store/store.ts';
import type { SourceRuntime } from './source-runtime.ts';

/** What ingest reports about one request, kept on it from its first hook to its answer. */
interface IngestMark {
  readonly source: SourceRuntime | undefined;
  readonly trace: TraceCarrier;
  code: ErrorCode | undefined;
  answered: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    hookgateIngest: IngestMark | null;
  }
}

/** The webhook routes' status → code, for an error that did not carry one of ours. */
const codeByStatus = new Map<number, ErrorCode>([
  [400, 'INVALID_PAYLOAD'],
  [413, 'PAYLOAD_TOO_LARGE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
]);

function codeOf(error: FastifyError): ErrorCode {
  if (error instanceof HookgateError) return error.code;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'PAYLOAD_TOO_LARGE';
  return codeByStatus.get(error.statusCode ?? 500) ?? 'INTERNAL';
}

/**
 * Ingest's telemetry, so that the webhook handler only says where things happen: the request
 * arrived (`received`, which also starts the trace the tracer continues), each step's time,
 * and how it was answered. Rejections are reported from the error hook (every error, whichever
 * check threw it) and the answer hook.
 */
export class IngestTelemetry {
  constructor(private readonly telemetry: Telemetry) {}

  /** First thing for every webhook request: before any check can reject it. */
  received(request: FastifyRequest, source: SourceRuntime | undefined): TraceCarrier {
    const trace: TraceCarrier = { traceparent: null };
    request.hookgateIngest = { source, trace, code: undefined, answered: false };
    const t = this.telemetry;
    if (!t.wants('webhook.received')) return trace;
    t.emit('webhook.received', {
      source: source?.name ?? null,
      provider: source?.config.provider ?? null,
      requestId: request.id,
      incoming: single(request.headers.traceparent),
      at: telemetryNow(),
      trace,
    });
    // Every line logged about this request from now on carries its trace.
    if (trace.traceparent !== null)
      (request.log as { setBindings?: (b: object) => void }).setBindings?.(
        traceFields(trace.traceparent),
      );
    return trace;
  }

  /** Times one async step (verify, commit) and reports it, passed or failed. */
  async step<T>(
    name: 'webhook.verified' | 'webhook.committed',
    source: string,
    trace: TraceCarrier,
    work: () => Promise<T>,
  ): Promise<T> {
    const t = this.telemetry;
    if (!t.wants(name)) return work();
    const startedAt = telemetryNow();
    try {
      const value = await work();
      t.emit(name, { source, ok: true, startedAt, endedAt: telemetryNow(), trace });
      return value;
    } catch (err) {
      t.emit(name, { source, ok: false, startedAt, endedAt: telemetryNow(), trace });
      throw err;
    }
  }

  /** The dedupe key was derived (or not: handshakes, `dedupe.key: none`) since `startedAt`. */
  deduped(source: string, trace: TraceCarrier, startedAt: number, keyed: boolean): void {
    if (this.telemetry.wants('webhook.deduped'))
      this.telemetry.emit('webhook.deduped', {
        source,
        keyed,
        startedAt,
        endedAt: telemetryNow(),
        trace,
      });
  }

  /** The event is stored (or was a duplicate): about to answer 2xx. */
  accepted(
    request: FastifyRequest,
    reply: FastifyReply,
    source: SourceRuntime,
    outcome: InsertOutcome,
    details: { readonly handshake: boolean; readonly deliveries: number },
  ): void {
    const mark = request.hookgateIngest;
    if (mark === null) return;
    mark.answered = true;
    const common = {
      source: source.name,
      provider: source.config.provider,
      eventId: outcome.eventId,
      requestId: request.id,
      durationMs: reply.elapsedTime,
      trace: mark.trace,
    };
    if (outcome.status === 'duplicate') this.telemetry.emit('webhook.duplicate', common);
    else this.telemetry.emit('webhook.stored', { ...common, ...details });
  }

  /** Registers the hooks that report rejections, in the webhook routes' context. */
  register(app: FastifyInstance): void {
    app.decorateRequest('hookgateIngest', null);
    app.addHook('onError', (request, _reply, error, done) => {
      if (request.hookgateIngest) request.hookgateIngest.code = codeOf(error);
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      const mark = request.hookgateIngest;
      if (mark !== null && !mark.answered && reply.statusCode >= 400) {
        mark.answered = true;
        this.rejected(request, reply, mark);
      }
      done();
    });
  }

  private rejected(request: FastifyRequest, reply: FastifyReply, mark: IngestMark): void {
    const code = mark.code ?? codeByStatus.get(reply.statusCode) ?? 'INTERNAL';
    this.telemetry.emit('webhook.rejected', {
      source: mark.source?.name ?? null,
      provider: mark.source?.config.provider ?? null,
      requestId: request.id,
      code,
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
      trace: mark.trace,
    });
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
