import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../store/store.ts';
import { AttemptStats } from './attempt-stats.ts';
import { Telemetry, type TelemetryName } from '../telemetry/events.ts';
import { subscribeLogs } from './log-subscriber.ts';
import { Metrics, type ScrapeViews } from './metrics.ts';
import { Performance } from './performance.ts';
import { QueueView } from './queue-view.ts';
import { SourceActivity } from './source-activity.ts';
import { Timeline } from './timeline.ts';
import { createTracing, type Tracing } from './tracing.ts';

/** A failing subscriber is logged at most this often per event name. */
const errorLogIntervalMs = 10_000;

/** Logs a subscriber's failure, once per interval per event name, with how many were not logged. */
function listenerErrorLogger(logger: Logger) {
  const last = new Map<TelemetryName, { at: number; suppressed: number }>();
  return (name: TelemetryName, err: unknown) => {
    const now = Date.now();
    const seen = last.get(name);
    if (seen !== undefined && now - seen.at < errorLogIntervalMs) {
      seen.suppressed += 1;
      return;
    }
    last.set(name, { at: now, suppressed: 0 });
    logger.error(
      { err, event: name, suppressed: seen?.suppressed ?? 0 },
      'a telemetry subscriber failed; the gateway carries on',
    );
  };
}

/**
 * The telemetry of one gateway and its subscribers, built from the configuration: the logger
 * always, traces when an OTLP endpoint is configured, the admin API's views always, Prometheus
 * metrics unless `metrics.enabled: false`. The tracer subscribes first: it sets the trace
 * context the others read.
 */
export class Observability {
  readonly telemetry: Telemetry;
  readonly tracing: Tracing | undefined;
  readonly attempts: AttemptStats;
  readonly performance: Performance;
  readonly activity: SourceActivity;
  readonly queue: QueueView;
  /** The dashboard's charts: the last hour in ten-second buckets. */
  readonly timeline: Timeline;
  private metricsRegistry: Metrics | undefined;

  constructor(
    private readonly deps: {
      readonly config: Config;
      readonly store: Store;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly version: string;
    },
  ) {
    const { config, logger } = deps;
    this.telemetry = new Telemetry(listenerErrorLogger(logger));
    this.tracing = createTracing(config.tracing, deps.version);
    this.tracing?.subscribe(this.telemetry);
    subscribeLogs(this.telemetry, logger);
    this.attempts = new AttemptStats(this.telemetry);
    this.performance = new Performance(this.telemetry, {
      windowMs: config.monitoring.window,
      slowMs: config.monitoring.slowThreshold,
    });
    this.activity = new SourceActivity(this.telemetry);
    this.timeline = new Timeline(this.telemetry);
    this.queue = new QueueView(
      deps.store,
      config.destinations.map((d) => d.name),
      deps.clock,
      config.metrics.queueCacheTtl,
    );
  }

  /** Prometheus metrics, once the views they read at scrape time exist. */
  startMetrics(views: Omit<ScrapeViews, 'store' | 'queue' | 'version'>): Metrics | undefined {
    if (!this.deps.config.metrics.enabled) return undefined;
    this.metricsRegistry ??= new Metrics(this.telemetry, {
      ...views,
      store: this.deps.store,
      queue: this.queue,
      version: this.deps.version,
    });
    return this.metricsRegistry;
  }

  get metrics(): Metrics | undefined {
    return this.metricsRegistry;
  }

  /** Every HTTP answer, for `http_requests_total` (only when someone listens). */
  instrument(http: FastifyInstance): void {
    const { telemetry } = this;
    if (!telemetry.wants('http.responded')) return;
    http.addHook('onResponse', (request, reply, done) => {
      telemetry.emit('http.responded', {
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        durationMs: reply.elapsedTime,
      });
      done();
    });
  }

  /** Sends the spans still buffered (shutdown). */
  async close(): Promise<void> {
    await this.tracing?.shutdown();
  }
}
