import { z } from 'zod';
import { cidr } from './cidr.ts';
import { secret } from './name.ts';
import { duration } from './units.ts';

/** `metrics`: the Prometheus endpoint (docs/observability.md). */
export const metricsSchema = z
  .strictObject({
    /** Off: nothing is counted (no subscriber) and `/metrics` is not served. */
    enabled: z.boolean().default(true),
    /** Also serve `/metrics` (only that) on this port; none: only on the main port. */
    port: z.number().int().min(0).max(65535).optional(),
    /** Host of the separate metrics listener (default: the server's host). */
    host: z.string().min(1).optional(),
    /** Scrapers from these addresses need no token. */
    allowIps: z.array(cidr).default(['127.0.0.1', '::1']),
    /** Bearer token for `/metrics` (default: the admin token). */
    token: secret.optional(),
    /** How long the queue depth read from the store is reused between scrapes. */
    queueCacheTtl: duration.prefault('5s'),
  })
  .prefault({});

/**
 * `tracing`: OpenTelemetry traces over OTLP/HTTP. Off unless an endpoint is set (here, or the
 * standard `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`).
 */
export const tracingSchema = z
  .strictObject({
    /** The OTLP/HTTP traces URL (`http://collector:4318/v1/traces`). */
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    /** Headers sent to the collector (an API key: `${VAR}`). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Fraction of new traces recorded; an attempt follows its event's decision. */
    sampleRatio: z.number().min(0).max(1).default(1),
    serviceName: z.string().min(1).default('hookgate'),
    /** Finished spans are sent in batches at most this far apart (`OTEL_BSP_SCHEDULE_DELAY`). */
    exportDelay: duration.prefault('5s'),
    /**
     * Continue a provider's `traceparent` (validated strictly; its sampled flag is ignored, our
     * own ratio decides). Off: every webhook starts a trace of its own.
     */
    honourIncoming: z.boolean().default(true),
  })
  .prefault({});

/** `monitoring`: the seeds' monitoring routes and readiness. */
export const monitoringSchema = z
  .strictObject({
    /** How far back `/monitoring/performance` and per-source health look. */
    window: duration.prefault('5m'),
    /** An ingest or attempt slower than this is listed as a slow operation. */
    slowThreshold: duration.prefault('3s'),
    /** Readiness fails while the breaker of any of these destinations is open. */
    // A tenant's destination as `<tenant>/<name>` (checked against the destinations by schema.ts).
    criticalBreakers: z.array(z.string().min(1).max(100)).default([]),
    /** `/monitoring/idempotency`: keys expiring within this are "expiring soon". */
    expiringSoon: duration.prefault('1h'),
  })
  .prefault({});

export type MetricsConfig = z.output<typeof metricsSchema>;
export type TracingConfig = z.output<typeof tracingSchema>;
export type MonitoringConfig = z.output<typeof monitoringSchema>;
