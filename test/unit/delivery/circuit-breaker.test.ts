import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker, type BreakerState } from '../../../src/delivery/circuit-breaker.ts';

const options = {
  failureThreshold: 3,
  resetTimeout: 1000,
  failureRatio: 0.5,
  window: 10_000,
  minimumRequests: 6,
};

function breaker() {
  const transitions: [BreakerState, BreakerState][] = [];
  const b = new CircuitBreaker('backend', options, (_d, from, to) => transitions.push([from, to]));
  return { b, transitions };
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures, holds, lets one probe through after the reset timeout, closes on success', () => {
    const { b, transitions } = breaker();
    assert.equal(b.allowance(0), Infinity);
    b.onResult(1, true);
    b.onResult(2, true);
    assert.equal(b.allowance(3), Infinity);
    b.onResult(3, true);
    assert.equal(b.snapshot(3).state, 'open');
    assert.equal(b.allowance(500), 0);
    assert.equal(b.allowance(1003), 1);
    b.onStart();
    assert.equal(b.allowance(1004), 0, 'only one probe at a time');
    b.onResult(1010, false);
    assert.equal(b.snapshot(1010).state, 'closed');
    assert.deepEqual(transitions, [
      ['closed', 'open'],
      ['open', 'half_open'],
      ['half_open', 'closed'],
    ]);
  });

  it('re-opens when the probe fails, for another reset timeout', () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) b.onResult(i, true);
    assert.equal(b.allowance(1500), 1);
    b.onStart();
    b.onResult(1600, true);
    assert.equal(b.snapshot(1600).state, 'open');
    assert.equal(b.allowance(2599), 0);
    assert.equal(b.allowance(2600), 1);
  });

  it('opens on the failure ratio over the window once enough requests were seen', () => {
    const { b } = breaker();
    // Alternating results never reach 3 in a row, but 3 of 6 is the 50% ratio.
    [true, false, true, false, true].forEach((failed, i) => b.onResult(i, failed));
    assert.equal(b.snapshot(5).state, 'closed');
    b.onResult(6, false);
    b.onResult(7, true);
    assert.equal(b.snapshot(7).state, 'open');
  });

  it('forgets outcomes older than the window', () => {
    const { b } = breaker();
    [true, false, true, false, true].forEach((failed, i) => b.onResult(i, failed));
    b.onResult(20_000, false);
    b.onResult(20_001, true);
    assert.equal(b.snapshot(20_001).state, 'closed');
    assert.equal(b.snapshot(20_001).windowRequests, 2);
  });

  it('resets by operator', () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) b.onResult(i, true);
    b.reset();
    assert.equal(b.allowance(10), Infinity);
    assert.equal(b.snapshot(10).consecutiveFailures, 0);
  });
});
