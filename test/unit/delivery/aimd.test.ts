import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  Aimd,
  latencyWarmup,
  minLatencyRiseMs,
  type AimdBounds,
  type AimdResult,
} from '../../../src/delivery/aimd.ts';

const t0 = Date.UTC(2026, 0, 4);
const bounds = (over: Partial<AimdBounds> = {}): AimdBounds => ({
  min: 1,
  max: 32,
  decrease: 0.5,
  latencyFactor: 3,
  maxPauseMs: 600_000,
  ...over,
});
const ok = (now: number, latencyMs = 10): AimdResult => ({
  now,
  kind: 'ok',
  status: 200,
  latencyMs,
});
const tooMany = (now: number, retryAfterMs?: number): AimdResult => ({
  now,
  kind: 'overload',
  status: 429,
  latencyMs: 5,
  retryAfterMs,
});

const boundsArb = fc
  .record({
    min: fc.integer({ min: 1, max: 8 }),
    extra: fc.integer({ min: 0, max: 60 }),
    decrease: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
  })
  .map(({ min, extra, decrease }) => bounds({ min, max: min + extra, decrease }));

const resultArb = fc.record({
  kind: fc.constantFrom('ok' as const, 'overload' as const, 'other' as const),
  status: fc.constantFrom(200, 429, 503, 500, null),
  latencyMs: fc.integer({ min: 0, max: 5_000 }),
  retryAfterMs: fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: undefined }),
  begins: fc.integer({ min: 0, max: 4 }),
  dt: fc.integer({ min: 0, max: 10_000 }),
});

describe('adaptive concurrency (AIMD)', () => {
  it('stays within its bounds, whatever the answers', () => {
    fc.assert(
      fc.property(boundsArb, fc.array(resultArb, { maxLength: 300 }), (b, results) => {
        const aimd = new Aimd(b, t0);
        let now = t0;
        const tickets = [aimd.begin(1, true)];
        for (const r of results) {
          now += r.dt;
          for (let i = 0; i < r.begins; i += 1) tickets.push(aimd.begin(tickets.length, false));
          const ticket = tickets.shift() ?? aimd.begin(1, true);
          aimd.onResult(ticket, { ...r, now });
          assert.ok(aimd.concurrency >= b.min && aimd.concurrency <= b.max, `${aimd.concurrency}`);
          assert.ok(aimd.pausedFor(now) <= b.maxPauseMs);
        }
      }),
    );
  });

  it('decreases multiplicatively once per round: answers to what was sent before a decrease do not count', () => {
    fc.assert(
      fc.property(boundsArb, fc.integer({ min: 1, max: 64 }), (b, inFlight) => {
        const aimd = new Aimd(b, t0);
        const tickets = Array.from({ length: inFlight }, (_, i) => aimd.begin(i + 1, true));
        const changes = tickets.map((t) => aimd.onResult(t, tooMany(t0 + 1)));
        const expected = Math.max(b.min, Math.floor(b.max * b.decrease));
        assert.equal(aimd.concurrency, expected);
        assert.equal(changes.filter((c) => c !== undefined).length, expected === b.max ? 0 : 1);
        assert.deepEqual(
          changes.find((c) => c !== undefined) ?? { from: b.max, to: b.max },
          expected === b.max
            ? { from: b.max, to: b.max }
            : { at: t0 + 1, from: b.max, to: expected, reason: '429', pausedUntil: null },
        );
        // An attempt sent under the new limit decreases it again.
        aimd.onResult(aimd.begin(1, true), tooMany(t0 + 2));
        assert.equal(aimd.concurrency, Math.max(b.min, Math.floor(b.max * b.decrease ** 2)));
      }),
    );
  });

  it('increases additively: one slot per round of healthy answers while the limit is used', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), (max) => {
        const aimd = new Aimd(bounds({ max }), t0);
        aimd.onResult(aimd.begin(1, true), tooMany(t0));
        let limit = aimd.concurrency;
        while (limit < max) {
          // One round: `limit` attempts, each answered 2xx.
          for (let i = 0; i < limit; i += 1) aimd.onResult(aimd.begin(limit, true), ok(t0 + 1));
          assert.ok(
            aimd.concurrency === limit + 1 || aimd.concurrency === limit,
            'at most +1 a round',
          );
          assert.ok(aimd.concurrency >= limit);
          if (aimd.concurrency === limit) aimd.onResult(aimd.begin(limit, true), ok(t0 + 1));
          assert.equal(aimd.concurrency, limit + 1);
          limit = aimd.concurrency;
        }
        // Healthy answers while the limit is not used raise nothing.
        const idle = new Aimd(bounds({ max: max + 4 }), t0);
        idle.onResult(idle.begin(1, true), tooMany(t0));
        const before = idle.concurrency;
        for (let i = 0; i < 10 * max; i += 1) idle.onResult(idle.begin(1, false), ok(t0 + 1));
        assert.equal(idle.concurrency, before);
      }),
    );
  });

  it("pauses for a 429's or 503's Retry-After (at most maxPause), on the injected clock", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7_200_000 }),
        fc.constantFrom(429, 503),
        fc.integer({ min: 1_000, max: 3_600_000 }),
        (retryAfterMs, status, maxPauseMs) => {
          const aimd = new Aimd(bounds({ maxPauseMs }), t0);
          const change = aimd.onResult(aimd.begin(1, true), {
            now: t0,
            kind: 'overload',
            status,
            latencyMs: 1,
            retryAfterMs,
          });
          const pause = Math.min(retryAfterMs, maxPauseMs);
          assert.equal(aimd.pausedFor(t0), pause);
          assert.equal(aimd.pausedFor(t0 + pause - 1), 1);
          assert.equal(aimd.pausedFor(t0 + pause), 0);
          assert.ok(change);
          assert.equal(aimd.last.pausedUntil, t0 + pause);
          // A 500 with Retry-After is not overload: no pause.
          const other = new Aimd(bounds(), t0);
          other.onResult(other.begin(1, true), {
            ...ok(t0),
            kind: 'other',
            status: 500,
            retryAfterMs,
          });
          assert.equal(other.pausedFor(t0), 0);
        },
      ),
    );
  });

  it("decreases on latency well above the destination's own baseline, not on jitter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 1.5, max: 5, noNaN: true }),
        (baseline, factor) => {
          const aimd = new Aimd(bounds({ latencyFactor: factor }), t0);
          for (let i = 0; i < latencyWarmup; i += 1)
            aimd.onResult(aimd.begin(32, true), ok(t0, baseline));
          const jitter = Math.min(baseline * factor * 0.9, baseline + minLatencyRiseMs - 1);
          for (let i = 0; i < 5; i += 1) aimd.onResult(aimd.begin(32, true), ok(t0, jitter));
          assert.equal(aimd.concurrency, 32, 'jitter below the threshold changes nothing');
          const slow = baseline * factor * 4 + minLatencyRiseMs * 4;
          let change;
          for (let i = 0; i < 10 && change === undefined; i += 1)
            change = aimd.onResult(aimd.begin(32, true), ok(t0, slow));
          assert.equal(change?.reason, 'latency');
          assert.equal(aimd.concurrency, 16);
        },
      ),
    );
  });

  it('settles near a receiver that serves N at once (few 429s) and follows it when N grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.integer(), (capacity, seed) => {
        const aimd = new Aimd(bounds({ max: 100 }), t0);
        let random = seed;
        const shuffle = <T>(xs: T[]) =>
          xs.sort(() => ((random = (random * 1103515245 + 12345) | 0) & 1 ? 1 : -1));
        const round = (n: number, now: number) => {
          const k = aimd.concurrency;
          const tickets = Array.from({ length: k }, () => aimd.begin(k, true));
          const answers = tickets.map((t, i) => [t, i < n ? ok(now) : tooMany(now)] as const);
          for (const [t, r] of shuffle([...answers])) aimd.onResult(t, r);
          return { sent: k, rejected: Math.max(0, k - n) };
        };
        let now = t0;
        for (let i = 0; i < 4 * capacity + 20; i += 1) round(capacity, (now += 100));
        let sent = 0;
        let rejected = 0;
        for (let i = 0; i < 20 * capacity; i += 1) {
          const r = round(capacity, (now += 100));
          sent += r.sent;
          rejected += r.rejected;
          assert.ok(
            r.sent <= capacity + 1,
            `sent ${r.sent} at a time to a receiver of ${capacity}`,
          );
          assert.ok(r.sent >= Math.floor(capacity * 0.5) - 1, `only ${r.sent} for ${capacity}`);
        }
        assert.ok(rejected / sent < 0.1, `${rejected} of ${sent} answered 429`);
        // Capacity doubles: the limit follows, one slot a round.
        for (let i = 0; i < 4 * capacity + 20; i += 1) round(2 * capacity, (now += 100));
        assert.ok(
          aimd.concurrency >= capacity,
          `${aimd.concurrency} after capacity grew to ${2 * capacity}`,
        );
      }),
      { numRuns: 100 },
    );
  });
});
