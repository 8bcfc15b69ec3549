import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  httpVerdict,
  type HttpResult as AttemptResult,
} from '../../../src/destinations/http/classify.ts';
import { decideOutcome, parseRetryAfter, type RetryPolicy } from '../../../src/domain/outcome.ts';

const now = Date.UTC(2026, 10, 23);
const minute = 60_000;
const policy: RetryPolicy = {
  schedule: [1, 5, 15, 30, 60, 120, 360, 720, 1440].map((m) => m * minute),
  maxAttempts: 10,
  jitter: 0.1,
  retryableStatuses: [],
};
const decide = (result: AttemptResult, attempt = 1, p: RetryPolicy = policy, random = () => 0.5) =>
  decideOutcome({ verdict: httpVerdict(result), attempt, policy: p, now, random });

const retryStatus = fc.oneof(fc.constantFrom(408, 425, 429), fc.integer({ min: 500, max: 599 }));
const permanentStatus = fc
  .integer({ min: 400, max: 499 })
  .filter((s) => ![408, 410, 425, 429].includes(s));

describe('delivery outcome', () => {
  it('any 2xx is delivered, whatever the attempt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 299 }),
        fc.integer({ min: 1, max: 20 }),
        (status, attempt) => {
          assert.deepEqual(decide({ kind: 'response', status }, attempt), { state: 'delivered' });
        },
      ),
    );
  });

  it('408, 425, 429, 5xx and network errors retry at the schedule step ± jitter while attempts remain', () => {
    const result = fc.oneof(
      retryStatus.map((status): AttemptResult => ({ kind: 'response', status })),
      fc
        .boolean()
        .map((timeout): AttemptResult => ({ kind: 'network', error: 'ECONNREFUSED', timeout })),
    );
    fc.assert(
      fc.property(
        result,
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (r, attempt, rand) => {
          const d = decide(r, attempt, policy, () => rand);
          assert.equal(d.state, 'retry');
          if (d.state !== 'retry') return;
          assert.equal(d.errorClass, 'temporary');
          const step = policy.schedule[Math.min(attempt - 1, policy.schedule.length - 1)] as number;
          const delay = d.nextAttemptAt - now;
          assert.ok(
            delay >= Math.floor(step * 0.9) && delay <= Math.ceil(step * 1.1),
            `${delay} vs step ${step}`,
          );
        },
      ),
    );
  });

  it('is dead with reason exhausted after maxAttempts', () => {
    fc.assert(
      fc.property(retryStatus, fc.integer({ min: 10, max: 30 }), (status, attempt) => {
        const d = decide({ kind: 'response', status }, attempt);
        assert.equal(d.state === 'dead' && d.reason, 'exhausted');
      }),
    );
  });

  it('other 4xx are dead at once (permanent) unless the destination lists them as retryable', () => {
    fc.assert(
      fc.property(permanentStatus, (status) => {
        const d = decide({ kind: 'response', status });
        assert.equal(d.state === 'dead' && d.reason, 'permanent');
        const retried = decide({ kind: 'response', status }, 1, {
          ...policy,
          retryableStatuses: [status],
        });
        assert.equal(retried.state, 'retry');
      }),
    );
  });

  it('410 is dead and pauses the destination', () => {
    const d = decide({ kind: 'response', status: 410 });
    assert.deepEqual(d, {
      state: 'dead',
      reason: 'gone',
      errorClass: 'configuration',
      error: 'HTTP 410',
      pauseDestination: true,
    });
  });

  it('honours Retry-After, clamped to [step, step + 2 h]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * 3600 }),
        fc.integer({ min: 1, max: 9 }),
        (seconds, attempt) => {
          const d = decide({ kind: 'response', status: 503, retryAfter: String(seconds) }, attempt);
          assert.equal(d.state, 'retry');
          if (d.state !== 'retry') return;
          const step = policy.schedule[attempt - 1] as number;
          const expected = Math.min(Math.max(seconds * 1000, step), step + 2 * 3600_000);
          assert.equal(d.nextAttemptAt - now, expected);
        },
      ),
    );
    const date = new Date(now + 30 * minute).toUTCString();
    const d = decide({ kind: 'response', status: 429, retryAfter: date });
    assert.equal(d.state === 'retry' && d.nextAttemptAt - now, 30 * minute);
  });

  it('classifies errors as in seed 001', () => {
    const cls = (status: number) => {
      const d = decide({ kind: 'response', status });
      return d.state === 'delivered' ? 'none' : d.errorClass;
    };
    assert.equal(cls(400), 'validation');
    assert.equal(cls(422), 'validation');
    assert.equal(cls(401), 'configuration');
    assert.equal(cls(404), 'configuration');
    assert.equal(cls(503), 'temporary');
    assert.equal(cls(418), 'unknown');
  });

  it('reads Retry-After in seconds or as an HTTP date, and ignores garbage', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(new Date(now + 5000).toUTCString(), now), 5000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
