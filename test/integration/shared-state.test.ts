import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/load.ts';
import type { BreakerState } from '../../src/delivery/circuit-breaker.ts';
import { DestinationRuntime } from '../../src/delivery/destination-runtime.ts';
import { SourceRuntime } from '../../src/ingress/source-runtime.ts';
import { RedisConnection } from '../../src/shared/redis-connection.ts';
import { tempDir, testNow } from '../helpers/gateway.ts';
import { redisSkipReason, redisUrl, testKeyPrefix } from '../helpers/redis.ts';

const skip = await redisSkipReason();

type Transition = [from: BreakerState, to: BreakerState, why: string];

/**
 * Two runtimes on two Redis connections with one key prefix: what two Hookgate instances behind
 * a load balancer share. Times are passed in by hand (the callers' clock), nothing sleeps.
 */
describe('shared state through Redis: two instances', { skip }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connections(): Promise<[RedisConnection, RedisConnection]> {
    const keys = testKeyPrefix();
    const make = () =>
      new RedisConnection({
        url: redisUrl,
        keyPrefix: keys.prefix,
        logger: pino({ level: 'silent' }),
      });
    const pair: [RedisConnection, RedisConnection] = [make(), make()];
    cleanups.push(keys.drop, async () => void (await Promise.all(pair.map((c) => c.close()))));
    for (const c of pair) assert.ok(await c.whenReady(5000), 'Redis connected');
    return pair;
  }

  function destinationConfig(extra: object) {
    const text = JSON.stringify({
      sources: [{ name: 'orders', provider: 'none' }],
      destinations: [{ name: 'backend', url: 'http://127.0.0.1:9/x', ...extra }],
    });
    const { config } = parseConfig(text, { file: 'test.yaml', env: {}, dataDir: tempDir() });
    return config.destinations[0]!;
  }

  /** Two destination runtimes, as the two instances' dispatchers hold them, with their logs. */
  async function twoDestinations(extra: object) {
    const [redisA, redisB] = await connections();
    const config = destinationConfig(extra);
    const logA: Transition[] = [];
    const logB: Transition[] = [];
    const a = new DestinationRuntime(
      config,
      (_d, from, to, why) => logA.push([from, to, why]),
      redisA,
    );
    const b = new DestinationRuntime(
      config,
      (_d, from, to, why) => logB.push([from, to, why]),
      redisB,
    );
    return { a: a.circuit!, b: b.circuit!, runtimeA: a, runtimeB: b, logA, logB };
  }

  it('share a source rate limit: one budget for both', async () => {
    const [redisA, redisB] = await connections();
    const text = JSON.stringify({
      sources: [
        { name: 'orders', provider: 'none', rateLimit: { points: 3, duration: 60, key: 'source' } },
      ],
    });
    const { config } = parseConfig(text, { file: 'test.yaml', env: {}, dataDir: tempDir() });
    const source = config.sources[0]!;
    const a = new SourceRuntime(source, 1024, redisA);
    const b = new SourceRuntime(source, 1024, redisB);
    assert.deepEqual(await a.takeRateToken('10.0.0.1'), { allowed: true });
    assert.deepEqual(await a.takeRateToken('10.0.0.2'), { allowed: true });
    assert.deepEqual(await b.takeRateToken('10.0.0.3'), { allowed: true });
    const refusedB = await b.takeRateToken('10.0.0.4');
    assert.equal(refusedB.allowed, false);
    assert.equal((await a.takeRateToken('10.0.0.5')).allowed, false, 'A sees what B spent');
  });

  it('share a destination rate limit: what one claims, the other cannot', async () => {
    const { runtimeA, runtimeB } = await twoDestinations({
      rateLimit: { points: 5, duration: 60 },
    });
    assert.equal((await runtimeA.capacity(testNow, 10)).slots, 5);
    await runtimeA.take(3);
    assert.equal((await runtimeB.capacity(testNow, 10)).slots, 2);
    await runtimeB.take(2);
    const full = await runtimeA.capacity(testNow, 10);
    assert.equal(full.slots, 0);
    assert.ok(full.retryInMs !== undefined && full.retryInMs > 0, 'looks again when it refills');
  });

  it('a breaker opened by failures from both instances (3 + 2 of 5) is open for both', async () => {
    const { a, b, logA, logB } = await twoDestinations({
      circuitBreaker: { failureThreshold: 5, resetTimeout: '30s' },
    });
    for (let i = 0; i < 3; i++) await a.onResult(testNow + i, true);
    for (let i = 3; i < 5; i++) await b.onResult(testNow + i, true);
    assert.equal(await a.allowance(testNow + 10), 0, 'A holds deliveries');
    assert.equal(await b.allowance(testNow + 10), 0, 'B holds deliveries');
    const seenByA = await a.snapshot(testNow + 10);
    assert.equal(seenByA.state, 'open');
    assert.equal(seenByA.consecutiveFailures, 5);
    assert.equal(seenByA.windowFailures, 5);
    assert.equal(seenByA.openedAt, testNow + 4);
    assert.equal(seenByA.reopensAt, testNow + 4 + 30_000);
    // The instance that caused the transition logs it, the other one does not.
    assert.deepEqual(logB, [['closed', 'open', '5 consecutive failures']]);
    assert.deepEqual(logA, []);
  });

  it('a success on either instance resets the consecutive count for both', async () => {
    const { a, b } = await twoDestinations({ circuitBreaker: { failureThreshold: 3 } });
    await a.onResult(testNow, true);
    await b.onResult(testNow + 1, true);
    await a.onResult(testNow + 2, false);
    await b.onResult(testNow + 3, true);
    await a.onResult(testNow + 4, true);
    assert.equal((await b.snapshot(testNow + 5)).state, 'closed');
    await b.onResult(testNow + 6, true);
    assert.equal((await a.snapshot(testNow + 7)).state, 'open');
  });

  it('opens on the failure ratio over the window, counted across instances; old results leave the window', async () => {
    const { a, b, logB } = await twoDestinations({
      circuitBreaker: {
        failureThreshold: 100,
        failureRatio: 0.5,
        minimumRequests: 6,
        window: '10s',
      },
    });
    // Old results: out of the window by the time the next ones come.
    for (let i = 0; i < 5; i++) await a.onResult(testNow + i, true);
    const later = testNow + 60_000;
    assert.equal((await b.snapshot(later)).windowRequests, 0, 'the window moved on');
    const results: [typeof a, boolean][] = [
      [a, true],
      [b, false],
      [a, true],
      [b, false],
      [a, false],
    ];
    for (const [i, [who, failed]] of results.entries()) await who.onResult(later + i * 100, failed);
    const five = await a.snapshot(later + 500);
    assert.deepEqual([five.state, five.windowRequests, five.windowFailures], ['closed', 5, 2]);
    await b.onResult(later + 600, true);
    assert.equal((await a.snapshot(later + 700)).state, 'open');
    assert.deepEqual(logB, [['closed', 'open', '3/6 failed in the window']]);
  });

  it('after the reset timeout only one instance gets the half-open probe; its success closes it for both', async () => {
    const { a, b, logA, logB } = await twoDestinations({
      circuitBreaker: { failureThreshold: 2, resetTimeout: '30s' },
    });
    await a.onResult(testNow, true);
    await b.onResult(testNow + 1, true);
    const due = testNow + 1 + 30_000;
    assert.equal(await a.allowance(due - 1), 0, 'not before the reset timeout');
    const [gotA, gotB] = await Promise.all([a.allowance(due), b.allowance(due)]);
    assert.deepEqual([gotA, gotB].sort(), [0, 1], 'exactly one probe');
    const [prober, other, proberLog] = gotA === 1 ? [a, b, logA] : [b, a, logB];
    await prober.claimed(1);
    prober.onStart();
    assert.equal(await other.allowance(due + 10), 0);
    assert.equal(await prober.allowance(due + 10), 0, 'one probe at a time');
    // A result from an attempt that is not the probe decides nothing.
    await other.onResult(due + 20, false);
    assert.equal((await other.snapshot(due + 20)).state, 'half_open');
    await prober.onResult(due + 50, false);
    assert.equal(await other.allowance(due + 60), Infinity, 'closed for the other instance too');
    assert.equal((await other.snapshot(due + 60)).consecutiveFailures, 0);
    // The prober moved it to half_open (same script as the lease) and closed it: it logs both.
    assert.deepEqual(proberLog.slice(-2), [
      ['open', 'half_open', 'reset timeout elapsed'],
      ['half_open', 'closed', 'probe succeeded'],
    ]);
  });

  it('a failed probe re-opens it for both; a probe nobody used goes back at once', async () => {
    const { a, b } = await twoDestinations({
      circuitBreaker: { failureThreshold: 1, resetTimeout: '30s' },
    });
    await a.onResult(testNow, true);
    const due = testNow + 30_000;
    assert.equal(await a.allowance(due), 1);
    await a.claimed(0); // nothing was due on A
    assert.equal(await b.allowance(due + 1), 1, 'B may probe at once');
    await b.claimed(1);
    b.onStart();
    await b.onResult(due + 2, true);
    const reopened = await a.snapshot(due + 3);
    assert.deepEqual([reopened.state, reopened.openedAt], ['open', due + 2]);
    assert.equal(await a.allowance(due + 3), 0);
    assert.equal(await b.allowance(due + 2 + 30_000), 1, 'another reset timeout later');
  });

  it('the probe lease expires when its instance dies: another instance probes', async () => {
    const { a, b } = await twoDestinations({
      timeoutMs: 1000,
      circuitBreaker: { failureThreshold: 1, resetTimeout: '30s' },
    });
    await a.onResult(testNow, true);
    const due = testNow + 30_000;
    assert.equal(await a.allowance(due), 1);
    await a.claimed(1);
    a.onStart();
    // A dies here. Its lease is the destination timeout plus 5 s.
    assert.equal(await b.allowance(due + 5_999), 0);
    assert.equal(await b.allowance(due + 6_000), 1, 'the lease expired');
    await b.claimed(1);
    // A's late answer is not the probe any more.
    await a.onResult(due + 6_100, true);
    assert.equal((await b.snapshot(due + 6_100)).state, 'half_open');
    await b.onResult(due + 6_200, false);
    assert.equal((await a.snapshot(due + 6_200)).state, 'closed');
  });

  it('an operator reset on one instance closes it for the other', async () => {
    const { a, b, logA } = await twoDestinations({ circuitBreaker: { failureThreshold: 2 } });
    await a.onResult(testNow, true);
    await b.onResult(testNow + 1, true);
    assert.equal(await b.allowance(testNow + 2), 0);
    const after = await a.reset(testNow + 3);
    assert.equal(after.state, 'closed');
    assert.equal(await b.allowance(testNow + 4), Infinity);
    const seenByB = await b.snapshot(testNow + 4);
    assert.deepEqual(
      [seenByB.state, seenByB.consecutiveFailures, seenByB.windowRequests, seenByB.openedAt],
      ['closed', 0, 0, null],
    );
    assert.deepEqual(logA, [['open', 'closed', 'reset by operator']]);
  });
});
