import type { Telemetry } from '../telemetry/events.ts';

/** One bucket's width and how many are kept: an hour in ten-second steps. */
export const timelineBucketMs = 10_000;
const keptBuckets = 360;

/** Attempt latency bounds (ms) of the per-bucket histogram; a percentile answers a bound. */
const latencyBounds = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000] as const;

interface IngestCounts {
  accepted: number;
  duplicate: number;
  rejected: number;
}

interface AttemptCounts {
  delivered: number;
  failed: number;
  totalMs: number;
  maxMs: number;
  /** Attempts at or below each bound of `latencyBounds`, and one more slot past the last. */
  histogram: number[];
}

interface Bucket {
  readonly index: number;
  readonly ingest: Map<string, IngestCounts>;
  readonly attempts: Map<string, AttemptCounts>;
}

/** The smallest bound with at least `p` of the attempts at or below it. */
function percentile(histogram: readonly number[], count: number, p: number, maxMs: number) {
  const wanted = Math.max(1, Math.ceil(p * count));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= wanted) return Math.min(latencyBounds[i] ?? maxMs, maxMs);
  }
  return maxMs;
}

/**
 * The dashboard's charts: ingest results per source and attempts (outcome, latency) per
 * destination in ten-second buckets over the last hour, as a telemetry subscriber. Kept on the
 * server so a page opened now shows the last hour at once, and every open page shares one copy.
 * Names are configured sources and destinations (an unknown source is not kept), buckets are
 * bounded: memory stays bounded whatever is sent. This instance's view since it started.
 */
export class Timeline {
  private readonly buckets: Bucket[] = [];

  constructor(
    telemetry: Telemetry,
    private readonly now: () => number = Date.now,
  ) {
    telemetry.on('webhook.stored', (e) => this.ingest(e.source, 'accepted'));
    telemetry.on('webhook.duplicate', (e) => this.ingest(e.source, 'duplicate'));
    telemetry.on('webhook.rejected', (e) => {
      if (e.source !== null) this.ingest(e.source, 'rejected');
    });
    telemetry.on('attempt.finished', ({ report }) => {
      if (report.verdict === undefined) return;
      this.attempt(
        report.destination,
        report.outcome.state === 'delivered',
        Math.max(0, report.durationMs),
      );
    });
  }

  private current(): Bucket {
    const index = Math.floor(this.now() / timelineBucketMs);
    const last = this.buckets.at(-1);
    if (last !== undefined && last.index === index) return last;
    const bucket: Bucket = { index, ingest: new Map(), attempts: new Map() };
    this.buckets.push(bucket);
    while (this.buckets.length > 0 && (this.buckets[0]?.index ?? index) <= index - keptBuckets)
      this.buckets.shift();
    return bucket;
  }

  private ingest(source: string, result: keyof IngestCounts): void {
    const { ingest } = this.current();
    let counts = ingest.get(source);
    if (counts === undefined) {
      counts = { accepted: 0, duplicate: 0, rejected: 0 };
      ingest.set(source, counts);
    }
    counts[result] += 1;
  }

  private attempt(destination: string, delivered: boolean, ms: number): void {
    const { attempts } = this.current();
    let counts = attempts.get(destination);
    if (counts === undefined) {
      counts = {
        delivered: 0,
        failed: 0,
        totalMs: 0,
        maxMs: 0,
        histogram: new Array<number>(latencyBounds.length + 1).fill(0),
      };
      attempts.set(destination, counts);
    }
    if (delivered) counts.delivered += 1;
    else counts.failed += 1;
    counts.totalMs += ms;
    counts.maxMs = Math.max(counts.maxMs, ms);
    const slot = latencyBounds.findIndex((bound) => ms <= bound);
    const at = slot === -1 ? latencyBounds.length : slot;
    counts.histogram[at] = (counts.histogram[at] ?? 0) + 1;
  }

  /**
   * The buckets with activity over the last `minutes` (at most 60), oldest first, of the sources
   * and destinations `shown` (a tenant's token: its own).
   */
  view(minutes: number, shown: (name: string) => boolean = () => true) {
    const to = Math.floor(this.now() / timelineBucketMs);
    const from = to - Math.min(keptBuckets, Math.ceil((minutes * 60_000) / timelineBucketMs)) + 1;
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      bucketMs: timelineBucketMs,
      from: from * timelineBucketMs,
      to: to * timelineBucketMs,
      buckets: this.buckets
        .filter((b) => b.index >= from && b.index <= to)
        .map((b) => ({
          at: b.index * timelineBucketMs,
          ingest: Object.fromEntries(
            [...b.ingest].filter(([name]) => shown(name)).map(([name, c]) => [name, { ...c }]),
          ),
          attempts: Object.fromEntries(
            [...b.attempts]
              .filter(([name]) => shown(name))
              .map(([name, c]) => {
                const count = c.delivered + c.failed;
                return [
                  name,
                  {
                    delivered: c.delivered,
                    failed: c.failed,
                    meanMs: round(c.totalMs / count),
                    p50Ms: round(percentile(c.histogram, count, 0.5, c.maxMs)),
                    p95Ms: round(percentile(c.histogram, count, 0.95, c.maxMs)),
                    maxMs: round(c.maxMs),
                  },
                ];
              }),
          ),
        })),
    };
  }
}
