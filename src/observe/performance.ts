import type { Telemetry } from '../telemetry/events.ts';
import { telemetryNow } from '../telemetry/events.ts';

/** Latency and success over the recent window, for one source or destination. */
export interface PerformanceStats {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Successes / count (ingest: stored or duplicate; delivery: delivered), 1 when count is 0. */
  readonly successRate: number;
}

export interface SlowOperation {
  readonly kind: 'ingest' | 'attempt';
  /** The source or destination. */
  readonly name: string;
  readonly durationMs: number;
  readonly at: string;
  readonly id: string;
}

/** The last `capacity` samples of one name: a ring, so recording never allocates. */
class Samples {
  private readonly at: Float64Array;
  private readonly ms: Float64Array;
  private readonly ok: Uint8Array;
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.ms = new Float64Array(capacity);
    this.ok = new Uint8Array(capacity);
  }

  add(at: number, ms: number, ok: boolean): void {
    this.at[this.next] = at;
    this.ms[this.next] = ms;
    this.ok[this.next] = ok ? 1 : 0;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  stats(since: number): PerformanceStats {
    const durations: number[] = [];
    let successes = 0;
    for (let i = 0; i < this.size; i++) {
      if ((this.at[i] as number) < since) continue;
      durations.push(this.ms[i] as number);
      successes += this.ok[i] as number;
    }
    durations.sort((a, b) => a - b);
    const count = durations.length;
    // Nearest rank: the smallest sample with at least p of them at or below it.
    const rank = (p: number) => round(durations[Math.max(0, Math.ceil(p * count) - 1)] ?? 0);
    return {
      count,
      meanMs: count === 0 ? 0 : round(durations.reduce((a, b) => a + b, 0) / count),
      p50Ms: rank(0.5),
      p95Ms: rank(0.95),
      p99Ms: rank(0.99),
      successRate: count === 0 ? 1 : round(successes / count, 4),
    };
  }
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Seed 004's performance summary as a telemetry subscriber: per source (ingest, request to
 * answer) and per destination (attempts that sent something), count, mean, p50/p95/p99 and the
 * success rate over the last `windowMs`, from the last `capacity` samples of each; and the
 * latest operations slower than `slowMs`. This instance's own view since it started.
 */
export class Performance {
  private readonly sources = new Map<string, Samples>();
  private readonly destinations = new Map<string, Samples>();
  private readonly slow: SlowOperation[] = [];

  constructor(
    telemetry: Telemetry,
    private readonly options: {
      readonly windowMs: number;
      readonly slowMs: number;
      readonly capacity?: number;
      readonly slowKept?: number;
    },
  ) {
    const ingest = (source: string | null, ms: number, ok: boolean, id: string) => {
      // An unknown source's name is the sender's text: not kept.
      if (source === null) return;
      this.record(this.sources, 'ingest', source, ms, ok, id);
    };
    telemetry.on('webhook.stored', (e) => ingest(e.source, e.durationMs, true, e.eventId));
    telemetry.on('webhook.duplicate', (e) => ingest(e.source, e.durationMs, true, e.eventId));
    telemetry.on('webhook.rejected', (e) => ingest(e.source, e.durationMs, false, e.requestId));
    telemetry.on('attempt.finished', ({ report }) => {
      if (report.verdict === undefined) return;
      const ok = report.outcome.state === 'delivered';
      const id = report.claimed.delivery.id;
      this.record(this.destinations, 'attempt', report.destination, report.durationMs, ok, id);
    });
  }

  private record(
    into: Map<string, Samples>,
    kind: SlowOperation['kind'],
    name: string,
    ms: number,
    ok: boolean,
    id: string,
  ): void {
    let samples = into.get(name);
    if (samples === undefined) {
      samples = new Samples(this.options.capacity ?? 10_000);
      into.set(name, samples);
    }
    const at = telemetryNow();
    samples.add(at, ms, ok);
    if (ms >= this.options.slowMs) {
      this.slow.push({ kind, name, durationMs: round(ms), at: new Date(at).toISOString(), id });
      if (this.slow.length > (this.options.slowKept ?? 100)) this.slow.shift();
    }
  }

  summary() {
    const since = telemetryNow() - this.options.windowMs;
    const of = (m: Map<string, Samples>) =>
      Object.fromEntries([...m].map(([name, s]) => [name, s.stats(since)]));
    return {
      windowMs: this.options.windowMs,
      slowThresholdMs: this.options.slowMs,
      sources: of(this.sources),
      destinations: of(this.destinations),
      slowOperations: this.slow.filter((s) => Date.parse(s.at) >= since).reverse(),
    };
  }
}
