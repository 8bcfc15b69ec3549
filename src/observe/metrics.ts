import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type LabelValues,
} from 'prom-client';
import type { BreakerSnapshot, BreakerState } from '../delivery/circuit-breaker.ts';
import type { ConnectionCheck } from '../destinations/destination.ts';
import type { Store } from '../store/store.ts';
import { queueStates } from '../store/store.ts';
import type { Telemetry } from '../telemetry/events.ts';
import { tenantOf } from '../domain/tenant.ts';
import type { QueueView } from './queue-view.ts';

/** A label for a request whose source is not configured: never the path's own text. */
export const unknownLabel = '(unknown)';

/** What a scrape reads besides the counters: read-only views, never another module's fields. */
export interface ScrapeViews {
  readonly store: Store;
  readonly queue: QueueView;
  readonly breakers: () => Promise<readonly BreakerSnapshot[]>;
  /** Attempts each destination may have in flight now (configured or adaptive); none: unlimited. */
  readonly concurrency: () => Record<string, number>;
  /** Broker destinations' connections by destination name. */
  readonly connections: () => Record<string, ConnectionCheck>;
  /** Set when Redis is configured: whether shared state is connected. */
  readonly redisUp?: () => boolean;
  readonly version: string;
}

const secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
const breakerStates: readonly BreakerState[] = ['closed', 'open', 'half_open'];

/**
 * Label values are checked to come from configuration or a closed enum before they get here:
 * every subscriber below builds them from configured names (sources, destinations, providers)
 * and enums (states, error codes and classes), never from an event type, id, URL or payload.
 * Children are cached per label set: prom-client hashes the labels on every call otherwise.
 */
class Children<T> {
  private readonly cache = new Map<string, T>();
  constructor(private readonly make: (labels: LabelValues<string>) => T) {}

  get(labels: LabelValues<string>): T {
    const key = Object.values(labels).join('\u0000');
    let child = this.cache.get(key);
    if (child === undefined) {
      child = this.make(labels);
      this.cache.set(key, child);
    }
    return child;
  }
}

/**
 * Every series of a source or a destination also carries its `tenant` (src/domain/tenant.ts),
 * read from the configured name: bounded by the configuration like the name itself.
 */
export function tenantLabels(labelNames: string[]): string[] {
  return labelNames.includes('source') || labelNames.includes('destination')
    ? [...labelNames, 'tenant']
    : labelNames;
}

/** The labels with `tenant` added when they name a source or destination. */
export function withTenant(labels: LabelValues<string>): LabelValues<string> {
  const name = labels.source ?? labels.destination;
  if (name === undefined) return labels;
  const text = String(name);
  return { ...labels, tenant: text === unknownLabel ? unknownLabel : tenantOf(text) };
}

const counter = (registry: Registry, name: string, help: string, labelNames: string[]) => {
  const metric = new Counter({
    name,
    help,
    labelNames: tenantLabels(labelNames),
    registers: [registry],
  });
  return new Children((labels) => metric.labels(withTenant(labels)));
};

const histogram = (
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  buckets = secondsBuckets,
) => {
  const metric = new Histogram({
    name,
    help,
    labelNames: tenantLabels(labelNames),
    buckets,
    registers: [registry],
  });
  return new Children((labels) => metric.labels(withTenant(labels)));
};

/**
 * Prometheus metrics (prom-client) as a telemetry subscriber: the seeds' names (seed 001's
 * webhooks_*, seed 003's http_* / database_* / webhook_events_total / integration_errors_total)
 * and Hookgate's own `hookgate_*`. Counters and histograms follow the events; the queue, breakers
 * and connections are read when scraped. docs/observability.md lists every one.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly events = counter(
    this.registry,
    'webhook_events_total',
    'Webhook events by status: stored, duplicate, rejected (ingest); delivered, dead (delivery)',
    ['status'],
  );
  private readonly storeErrors = counter(
    this.registry,
    'hookgate_store_errors_total',
    'Store operations that failed: commit, claim, record, scrape',
    ['operation'],
  );
  private readonly integrationErrors = counter(
    this.registry,
    'integration_errors_total',
    'Errors by type: an attempt error class, or store',
    ['type'],
  );

  constructor(telemetry: Telemetry, views: ScrapeViews) {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    this.ingest(telemetry, r);
    this.http(telemetry, r);
    this.delivery(telemetry, r);
    this.scraped(views, r);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  private ingest(telemetry: Telemetry, r: Registry): void {
    const received = counter(r, 'webhooks_received_total', 'Webhooks received, by provider', [
      'provider',
    ]);
    const processed = counter(
      r,
      'webhooks_processed_total',
      'Webhooks answered, by provider and status (success: stored or duplicate; failed: rejected)',
      ['provider', 'status'],
    );
    const duration = histogram(
      r,
      'webhook_processing_duration_seconds',
      'Time from request to answer, by provider',
      ['provider'],
    );
    const { events, storeErrors, integrationErrors } = this;
    const results = counter(
      r,
      'hookgate_ingest_requests_total',
      'Webhook requests by source and result: accepted, duplicate, handshake or the error code',
      ['source', 'result'],
    );
    const sourceDuration = histogram(
      r,
      'hookgate_ingest_duration_seconds',
      'Time from request to answer, by source',
      ['source'],
    );
    const batch = histogram(
      r,
      'hookgate_commit_batch_size',
      'Events per group commit',
      [],
      [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    );
    const commitDuration = histogram(
      r,
      'hookgate_commit_duration_seconds',
      'Time of one group commit (write and fsync)',
      [],
    );
    const commits = counter(r, 'hookgate_commits_total', 'Group commits by result', ['result']);

    const answered = (
      source: string | null,
      provider: string | null,
      result: string,
      ok: boolean,
      ms: number,
    ) => {
      const p = provider ?? unknownLabel;
      const s = source ?? unknownLabel;
      processed.get({ provider: p, status: ok ? 'success' : 'failed' }).inc();
      duration.get({ provider: p }).observe(ms / 1000);
      results.get({ source: s, result }).inc();
      sourceDuration.get({ source: s }).observe(ms / 1000);
    };
    telemetry.on('webhook.received', ({ provider }) =>
      received.get({ provider: provider ?? unknownLabel }).inc(),
    );
    telemetry.on('webhook.stored', (e) => {
      answered(e.source, e.provider, e.handshake ? 'handshake' : 'accepted', true, e.durationMs);
      events.get({ status: 'stored' }).inc();
    });
    telemetry.on('webhook.duplicate', (e) => {
      answered(e.source, e.provider, 'duplicate', true, e.durationMs);
      events.get({ status: 'duplicate' }).inc();
    });
    telemetry.on('webhook.rejected', (e) => {
      answered(e.source, e.provider, e.code.toLowerCase(), false, e.durationMs);
      events.get({ status: 'rejected' }).inc();
    });
    telemetry.on('commit.finished', ({ size, durationMs, error }) => {
      batch.get({}).observe(size);
      commitDuration.get({}).observe(durationMs / 1000);
      commits.get({ result: error ? 'failed' : 'ok' }).inc();
      if (error) {
        storeErrors.get({ operation: 'commit' }).inc();
        integrationErrors.get({ type: 'store' }).inc();
      }
    });
    telemetry.on('store.failed', ({ operation }) => {
      storeErrors.get({ operation }).inc();
      integrationErrors.get({ type: 'store' }).inc();
    });
  }

  private http(telemetry: Telemetry, r: Registry): void {
    const labels = ['method', 'route', 'status_code'];
    const total = counter(r, 'http_requests_total', 'HTTP requests answered', labels);
    const duration = histogram(r, 'http_request_duration_seconds', 'HTTP request time', labels);
    telemetry.on('http.responded', ({ method, route, status, durationMs }) => {
      const l = { method, route: route ?? unknownLabel, status_code: String(status) };
      total.get(l).inc();
      duration.get(l).observe(durationMs / 1000);
    });
  }

  private delivery(telemetry: Telemetry, r: Registry): void {
    const attempts = counter(
      r,
      'hookgate_attempts_total',
      'Delivery attempts by destination, outcome and error class (none when delivered)',
      ['destination', 'outcome', 'error_class'],
    );
    const attemptDuration = histogram(
      r,
      'hookgate_attempt_duration_seconds',
      'Time of a send to a destination, by destination and error class',
      ['destination', 'error_class'],
    );
    const finals = counter(
      r,
      'hookgate_deliveries_total',
      'Deliveries that reached a final state (delivered, dead, quarantined, skipped), by destination',
      ['destination', 'state'],
    );
    const transitions = counter(
      r,
      'hookgate_delivery_transitions_total',
      'Delivery state changes made by attempts, by destination',
      ['destination', 'from', 'to'],
    );
    const { events, integrationErrors } = this;
    const inFlight = new Gauge({
      name: 'hookgate_attempts_in_flight',
      help: 'Attempts under way (from start to record), by destination',
      labelNames: tenantLabels(['destination']),
      registers: [r],
    });
    const breakerTransitions = counter(
      r,
      'hookgate_breaker_transitions_total',
      'Circuit breaker transitions this instance made, by destination and new state',
      ['destination', 'to'],
    );
    const adaptiveChanges = counter(
      r,
      'hookgate_adaptive_changes_total',
      "Changes of an adaptive destination's concurrency (or Retry-After pauses), by reason",
      ['destination', 'reason'],
    );
    const connectionChanges = counter(
      r,
      'hookgate_connection_changes_total',
      'Connections lost and regained: redis (shared state) or a broker type',
      ['kind', 'status'],
    );
    const swept = counter(r, 'hookgate_dedupe_swept_keys_total', 'Expired dedupe keys removed', []);
    const sweeps = counter(r, 'hookgate_dedupe_sweeps_total', 'Dedupe key sweeps run', []);
    const pruned = counter(
      r,
      'hookgate_retention_pruned_total',
      'Rows retention deleted, by kind (events, deliveries, attempts, deadLetters)',
      ['kind'],
    );
    const lastPass = new Gauge({
      name: 'hookgate_retention_last_pass_timestamp_seconds',
      help: 'When the last retention pass started (0: none yet)',
      registers: [r],
    });
    const passFailures = counter(
      r,
      'hookgate_retention_failed_passes_total',
      'Retention passes in which a step failed',
      [],
    );

    telemetry.on('attempt.started', ({ destination }) => inFlight.inc(withTenant({ destination })));
    telemetry.on('attempt.errored', ({ destination }) => inFlight.dec(withTenant({ destination })));
    telemetry.on('attempt.finished', ({ report }) => {
      const { destination, outcome, verdict } = report;
      inFlight.dec(withTenant({ destination }));
      const errorClass = outcome.errorClass ?? 'none';
      attempts.get({ destination, outcome: outcome.state, error_class: errorClass }).inc();
      if (verdict !== undefined)
        attemptDuration
          .get({ destination, error_class: errorClass })
          .observe(report.durationMs / 1000);
      if (outcome.errorClass !== null) integrationErrors.get({ type: outcome.errorClass }).inc();
      if (!report.recorded) return;
      if (outcome.state !== 'retry') finals.get({ destination, state: outcome.state }).inc();
      if (outcome.state === 'delivered' || outcome.state === 'dead')
        events.get({ status: outcome.state }).inc();
    });
    telemetry.on('delivery.state', ({ destination, from, to }) =>
      transitions.get({ destination, from, to }).inc(),
    );
    telemetry.on('breaker.changed', ({ destination, to }) =>
      breakerTransitions.get({ destination, to }).inc(),
    );
    telemetry.on('destination.adapted', ({ destination, reason }) =>
      adaptiveChanges.get({ destination, reason }).inc(),
    );
    telemetry.on('connection.changed', ({ kind, status }) =>
      connectionChanges.get({ kind, status }).inc(),
    );
    telemetry.on('retention.passed', ({ at, pruned: rows, failed }) => {
      for (const [kind, n] of Object.entries(rows)) if (n > 0) pruned.get({ kind }).inc(n);
      lastPass.set(at / 1000);
      if (failed) passFailures.get({}).inc();
    });
    telemetry.on('dedupe.swept', ({ removed }) => {
      sweeps.get({}).inc();
      swept.get({}).inc(removed);
    });
  }

  /** Gauges read when scraped: the store's queue, breakers, connections. */
  private scraped(views: ScrapeViews, r: Registry): void {
    /** What a gauge's collect sets: its labels get their tenant as every other series does. */
    interface Settable {
      set(labels: LabelValues<string>, value: number): void;
      set(value: number): void;
      reset(): void;
    }
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      collect: (g: Settable) => Promise<void> | void,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: tenantLabels(labelNames),
        registers: [r],
        collect() {
          const g = this as Gauge;
          return collect({
            set: (labels: LabelValues<string> | number, value?: number) =>
              typeof labels === 'number' ? g.set(labels) : g.set(withTenant(labels), value ?? 0),
            reset: () => g.reset(),
          });
        },
      });
    const storeUp = new Gauge({
      name: 'hookgate_store_up',
      help: 'Whether the last scrape could read the store (1) or not (0)',
      registers: [r],
    });
    const scrapeFailed = () => {
      storeUp.set(0);
      this.storeErrors.get({ operation: 'scrape' }).inc();
    };
    gauge(
      'hookgate_queue_depth',
      `Deliveries waiting, by destination and state (${queueStates.join(', ')}); each count stops at 100000`,
      ['destination', 'state'],
      async (g) => {
        try {
          const { depth } = await views.queue.queue();
          g.reset();
          for (const [destination, states] of Object.entries(depth))
            for (const [state, n] of Object.entries(states)) g.set({ destination, state }, n);
          storeUp.set(1);
        } catch {
          scrapeFailed();
        }
      },
    );
    gauge(
      'hookgate_queue_oldest_due_seconds',
      'How long the oldest due delivery of each destination has waited (0: nothing is due)',
      ['destination'],
      async (g) => {
        try {
          g.reset();
          for (const [destination, s] of Object.entries(await views.queue.lagSeconds()))
            g.set({ destination }, s);
        } catch {
          scrapeFailed();
        }
      },
    );
    gauge(
      'hookgate_destination_paused',
      'Whether a destination is paused (1) or not (0)',
      ['destination'],
      async (g) => {
        try {
          const paused = new Set(await views.queue.pausedDestinations());
          const { depth } = await views.queue.queue();
          g.reset();
          for (const destination of Object.keys(depth))
            g.set({ destination }, paused.has(destination) ? 1 : 0);
        } catch {
          scrapeFailed();
        }
      },
    );
    gauge(
      'hookgate_breaker_state',
      'Circuit breaker state by destination: 1 for the current state, 0 for the others',
      ['destination', 'state'],
      async (g) => {
        g.reset();
        for (const b of await views.breakers())
          for (const state of breakerStates)
            g.set({ destination: b.destination, state }, b.state === state ? 1 : 0);
      },
    );
    gauge(
      'hookgate_destination_concurrency',
      'Attempts a destination may have in flight now: its concurrency, or the adaptive one',
      ['destination'],
      (g) => {
        g.reset();
        for (const [destination, n] of Object.entries(views.concurrency()))
          g.set({ destination }, n);
      },
    );
    gauge(
      'hookgate_destination_connection_up',
      "Whether a broker destination's client is connected (1) or not (0)",
      ['destination'],
      (g) => {
        g.reset();
        for (const [destination, c] of Object.entries(views.connections()))
          g.set({ destination }, c.status === 'connected' ? 1 : 0);
      },
    );
    if (views.redisUp) {
      const up = views.redisUp;
      gauge(
        'hookgate_redis_up',
        'Whether Redis (shared limits and breakers) is connected (1) or not (0: local state)',
        [],
        (g) => g.set(up() ? 1 : 0),
      );
    }
    const connections = () => views.store.connectionCounts();
    gauge('database_connections_active', 'Database connections this instance holds open', [], (g) =>
      g.set(connections().open),
    );
    gauge(
      'hookgate_database_connections',
      'Database connections by state: open, busy (in use), waiting (callers waiting for one)',
      ['state'],
      (g) => {
        const c = connections();
        g.set({ state: 'open' }, c.open);
        g.set({ state: 'busy' }, c.busy);
        g.set({ state: 'waiting' }, c.waiting);
      },
    );
    new Gauge({
      name: 'hookgate_info',
      help: 'Always 1: the version and store engine as labels',
      labelNames: ['version', 'engine'],
      registers: [r],
    }).set({ version: views.version, engine: views.store.engine }, 1);
  }
}
