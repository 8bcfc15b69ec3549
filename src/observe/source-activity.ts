import type { Telemetry } from '../telemetry/events.ts';

const minuteMs = 60_000;
/** Minutes of history kept per source. */
const keptMinutes = 60;

type Counts = Record<string, number>;

/**
 * What each configured source received, by result (accepted, duplicate, handshake, or the
 * lower-case error code), in one-minute buckets over the last hour and in total since start:
 * seed 001's per-source health and the idempotency view's duplicates. Results are a closed set
 * and sources come from configuration: memory stays bounded whatever is sent.
 */
export class SourceActivity {
  private readonly minutes = new Map<string, Map<number, Counts>>();
  private readonly totals = new Map<string, Counts>();
  private sweeps = { runs: 0, removed: 0, lastAt: null as string | null };

  constructor(
    telemetry: Telemetry,
    private readonly now: () => number = Date.now,
  ) {
    telemetry.on('webhook.stored', (e) =>
      this.add(e.source, e.handshake ? 'handshake' : 'accepted'),
    );
    telemetry.on('webhook.duplicate', (e) => this.add(e.source, 'duplicate'));
    telemetry.on('webhook.rejected', (e) => {
      if (e.source !== null) this.add(e.source, e.code.toLowerCase());
    });
    telemetry.on('dedupe.swept', (e) => {
      this.sweeps = {
        runs: this.sweeps.runs + 1,
        removed: this.sweeps.removed + e.removed,
        lastAt: new Date(e.at).toISOString(),
      };
    });
  }

  private add(source: string, result: string): void {
    const minute = Math.floor(this.now() / minuteMs);
    let buckets = this.minutes.get(source);
    if (buckets === undefined) {
      buckets = new Map();
      this.minutes.set(source, buckets);
    }
    const bucket = buckets.get(minute) ?? {};
    bucket[result] = (bucket[result] ?? 0) + 1;
    buckets.set(minute, bucket);
    if (buckets.size > keptMinutes + 1)
      for (const m of buckets.keys()) if (m <= minute - keptMinutes) buckets.delete(m);
    const total = this.totals.get(source) ?? {};
    total[result] = (total[result] ?? 0) + 1;
    this.totals.set(source, total);
  }

  /** Counts by result over the last `windowMs` (whole minutes, at most an hour). */
  recent(source: string, windowMs: number): Counts {
    const since = Math.floor((this.now() - Math.min(windowMs, keptMinutes * minuteMs)) / minuteMs);
    const out: Counts = {};
    for (const [minute, counts] of this.minutes.get(source) ?? [])
      if (minute >= since)
        for (const [result, n] of Object.entries(counts)) out[result] = (out[result] ?? 0) + n;
    return out;
  }

  /** Counts by result since this instance started. */
  total(source: string): Counts {
    return { ...this.totals.get(source) };
  }

  sweepStats() {
    return { ...this.sweeps };
  }
}
