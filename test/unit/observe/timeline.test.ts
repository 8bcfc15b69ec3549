import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Timeline, timelineBucketMs } from '../../../src/observe/timeline.ts';
import type { AttemptReport } from '../../../src/telemetry/attempt-report.ts';
import { Telemetry } from '../../../src/telemetry/events.ts';

const trace = { traceparent: null };
const start = Date.UTC(2026, 10, 30, 12, 0, 0);

function setup() {
  let now = start;
  const telemetry = new Telemetry();
  const timeline = new Timeline(telemetry, () => now);
  const stored = (source: string) =>
    telemetry.emit('webhook.stored', {
      source,
      provider: 'none',
      eventId: 'e',
      requestId: 'r',
      handshake: false,
      deliveries: 1,
      durationMs: 1,
      trace,
    });
  const rejected = (source: string | null) =>
    telemetry.emit('webhook.rejected', {
      source,
      provider: null,
      requestId: 'r',
      code: 'INVALID_SIGNATURE',
      status: 401,
      durationMs: 1,
      trace,
    });
  // Only the fields the timeline reads: the destination, the duration, the verdict and the state.
  const attempt = (destination: string, durationMs: number, state: 'delivered' | 'retry') =>
    telemetry.emit('attempt.finished', {
      report: {
        destination,
        durationMs,
        verdict: { kind: 'status' },
        outcome: { state },
      } as unknown as AttemptReport,
      source: 's',
      at: now,
      trace,
    });
  return { timeline, stored, rejected, attempt, advance: (ms: number) => (now += ms) };
}

describe('Timeline: the dashboard charts in ten-second buckets', () => {
  it('counts ingest results per source and attempts per destination, with latency percentiles', () => {
    const t = setup();
    t.stored('shop');
    t.stored('shop');
    t.rejected('shop');
    t.rejected(null);
    for (let i = 1; i <= 100; i++) t.attempt('backend', i, i % 10 === 0 ? 'retry' : 'delivered');
    t.advance(timelineBucketMs);
    t.stored('shop');
    const view = t.timeline.view(5);
    assert.equal(view.bucketMs, 10_000);
    assert.equal(view.to, start + timelineBucketMs);
    assert.equal(view.from, view.to - 29 * timelineBucketMs);
    assert.equal(view.buckets.length, 2);
    const [first, second] = view.buckets;
    // An unknown source (null) is not kept.
    assert.deepEqual(first?.ingest, { shop: { accepted: 2, duplicate: 0, rejected: 1 } });
    assert.deepEqual(first?.attempts.backend, {
      delivered: 90,
      failed: 10,
      meanMs: 50.5,
      // The histogram's bounds: 50 of 100 are at or below 50 ms, 95 at or below 100 ms.
      p50Ms: 50,
      p95Ms: 100,
      maxMs: 100,
    });
    assert.deepEqual(second?.ingest, { shop: { accepted: 1, duplicate: 0, rejected: 0 } });
  });

  it('a percentile is never above the slowest attempt', () => {
    const t = setup();
    t.attempt('backend', 3.2, 'delivered');
    assert.equal(t.timeline.view(1).buckets[0]?.attempts.backend?.p95Ms, 3.2);
  });

  it('keeps one hour: older buckets are dropped, whatever the traffic', () => {
    const t = setup();
    for (let i = 0; i < 500; i++) {
      t.stored('shop');
      t.advance(timelineBucketMs);
    }
    const view = t.timeline.view(60);
    assert.equal(view.buckets.length, 359);
    assert.ok(view.buckets.every((b) => b.at >= view.from));
    assert.equal(t.timeline.view(1).buckets.length, 5);
  });
});
