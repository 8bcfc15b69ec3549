import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ManualClock } from '../../src/domain/clock.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { signedJsonHeaders } from '../helpers/process.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');

/** The seeds' monitoring routes on a gateway built from a config, after real traffic. */
describe('monitoring routes (seeds 001, 003, 004)', () => {
  const receiver = new Receiver();
  let gw: TestGateway;
  const get = async (url: string, token: string | null = adminToken) =>
    gw.app.http.inject({
      url,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
  const data = async (url: string) => {
    const res = await get(url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json().data;
  };
  const post = (body: string, headers: Record<string, string> = {}) =>
    gw.app.http.inject({
      method: 'POST',
      url: '/webhooks/shop',
      payload: body,
      headers: { ...signedJsonHeaders(secret, body), ...headers },
    });

  before(async () => {
    const url = await receiver.listen();
    receiver.on('/slow', () => ({ status: 200, delayMs: 60 }));
    receiver.on('/down', () => ({ status: 500 }));
    gw = await startTestGateway(
      {
        admin: { token: '${ADMIN_TOKEN}' },
        delivery: { pollInterval: '1h' },
        metrics: { queueCacheTtl: 0 },
        monitoring: { slowThreshold: '50ms', criticalBreakers: ['down'], expiringSoon: '2d' },
        sources: [
          {
            name: 'shop',
            provider: 'generic-hmac',
            secrets: [secret],
            options: { eventIdPath: 'id' },
            dedupe: { window: '1d' },
            rateLimit: { points: 100 },
          },
          { name: 'quiet', provider: 'none' },
        ],
        destinations: [
          { name: 'slow', url: `${url}/slow` },
          {
            name: 'down',
            url: `${url}/down`,
            retry: { schedule: ['1m'], maxAttempts: 1 },
            circuitBreaker: { failureThreshold: 1 },
          },
        ],
        routes: [
          { source: 'shop', destination: 'slow' },
          { source: 'shop', destination: 'down' },
        ],
      },
      { ADMIN_TOKEN: adminToken },
    );
    gw.app.dispatcher.start();
    for (const id of ['a', 'b', 'a']) assert.equal((await post(`{"id":"${id}"}`)).statusCode, 200);
    assert.equal((await post('{"id":"c"}', { 'x-signature': '00' })).statusCode, 401);
    await gw.app.dispatcher.idle();
  });
  after(async () => {
    await gw.close();
    await receiver.close();
  });

  it('every route needs the admin token', async () => {
    for (const url of [
      '/monitoring/performance',
      '/monitoring/idempotency',
      '/cache/stats',
      '/monitoring/metrics',
      '/health/detailed',
      '/monitoring/health/deep',
      '/api/webhooks/health/shop',
    ]) {
      assert.equal((await get(url, null)).statusCode, 401, url);
      assert.equal((await get(url, 'wrong')).statusCode, 401, url);
    }
  });

  it('/monitoring/performance: per source and destination over the window, and slow operations', async () => {
    const perf = await data('/monitoring/performance');
    assert.equal(perf.slowThresholdMs, 50);
    const shop = perf.sources.shop;
    assert.equal(shop.count, 4);
    assert.equal(shop.successRate, 0.75);
    assert.ok(shop.p50Ms <= shop.p95Ms && shop.p95Ms <= shop.p99Ms);
    const slow = perf.destinations.slow;
    assert.equal(slow.count, 2);
    assert.equal(slow.successRate, 1);
    assert.ok(slow.meanMs >= 50, String(slow.meanMs));
    assert.equal(perf.destinations.down.successRate, 0);
    const slowOps = perf.slowOperations.filter((o: { name: string }) => o.name === 'slow');
    assert.equal(slowOps.length, 2);
    assert.equal(slowOps[0].kind, 'attempt');
  });

  it('/monitoring/idempotency and /cache/stats: keys held, expiring soon, duplicates caught', async () => {
    const view = await data('/monitoring/idempotency');
    assert.deepEqual(await data('/cache/stats'), view);
    assert.equal(view.sources.shop.held, 2);
    assert.equal(view.sources.shop.expiringSoon, 2, 'a 1-day window expires within 2 days');
    assert.equal(view.sources.shop.expired, 0);
    assert.deepEqual(view.sources.shop.duplicates, { sinceStart: 1, recent: 1 });
    assert.equal(view.sources.shop.key, 'auto');
    assert.equal(view.sources.quiet.held, 0);
    assert.equal(view.totals.held, 2);
    assert.deepEqual(view.sweeps, { runs: 0, removed: 0, lastAt: null });
    // Sweeps are reported by the retention sweep as an event.
    gw.app.observe.telemetry.emit('dedupe.swept', {
      removed: 7,
      durationMs: 3,
      at: Date.UTC(2026, 0, 2),
    });
    assert.deepEqual((await data('/cache/stats')).sweeps, {
      runs: 1,
      removed: 7,
      lastAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('/monitoring/metrics: performance, dead letters, idempotency and breakers in one', async () => {
    const all = await data('/monitoring/metrics');
    assert.equal(all.performance.sources.shop.count, 4);
    assert.equal(all.deadLetters.total, 2, 'maxAttempts 1: both "down" deliveries are dead');
    assert.equal(all.deadLetters.byDestination.down, 2);
    assert.equal(all.deadLetters.lastHour, 2);
    assert.equal(all.idempotency.sources.shop.duplicates.sinceStart, 1);
    assert.equal(all.breakers.open, 1);
    assert.equal(
      all.breakers.list.find((b: { destination: string }) => b.destination === 'down').state,
      'open',
    );
  });

  it('health: detailed and deep name what needs a look; readiness fails on a critical open breaker', async () => {
    for (const url of ['/health/detailed', '/monitoring/health/deep']) {
      const res = await get(url);
      assert.equal(res.statusCode, 503, 'the critical breaker of "down" is open');
      const body = res.json();
      assert.equal(body.status, 'unavailable');
      assert.equal(body.checks.database.status, 'ok');
      assert.deepEqual(body.checks.breakers.open, ['down']);
      assert.deepEqual(body.checks.breakers.criticalOpen, ['down']);
      assert.equal(body.checks.queue.deadLettersLastHour, 2);
    }
    for (const url of ['/health/ready', '/monitoring/health/ready']) {
      const res = await gw.app.http.inject({ url });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'unavailable', openBreakers: ['down'] });
    }
    for (const url of ['/health/live', '/monitoring/health/live'])
      assert.equal((await gw.app.http.inject({ url })).statusCode, 200);

    const reset = await gw.app.http.inject({
      method: 'POST',
      url: '/admin/breakers/down/reset',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(reset.statusCode, 200);
    assert.equal((await gw.app.http.inject({ url: '/health/ready' })).statusCode, 200);
    const detailed = (await get('/health/detailed')).json();
    assert.equal(detailed.status, 'ok');
    assert.deepEqual(detailed.checks.breakers.open, []);
  });

  it('/api/webhooks/health/:source (seed 001): recent acceptance and rejection counts', async () => {
    const shop = await data('/api/webhooks/health/shop');
    assert.equal(shop.status, 'healthy');
    assert.equal(shop.provider, 'generic-hmac');
    assert.equal(shop.endpoint, '/webhooks/shop');
    assert.deepEqual(shop.configuration, {
      signatureValidation: true,
      rateLimiting: true,
      ipWhitelisting: false,
    });
    assert.deepEqual(shop.recent.byResult, { accepted: 2, duplicate: 1, invalid_signature: 1 });
    assert.equal(shop.recent.accepted, 3);
    assert.equal(shop.recent.rejected, 1);
    const quiet = await data('/api/webhooks/health/quiet');
    assert.equal(quiet.configuration.signatureValidation, false);
    assert.equal(quiet.recent.accepted, 0);
    const missing = await get('/api/webhooks/health/nope');
    assert.equal(missing.statusCode, 404);
    const hostile = await get(`/api/webhooks/health/${encodeURIComponent('x\ud83d\ude00"<')}`);
    assert.equal(hostile.statusCode, 404);
    assert.ok(!hostile.body.includes('<'));
  });

  it('a source with mostly rejections in the window is failing', async () => {
    for (let i = 0; i < 12; i++) await post(`{"id":"bad-${i}"}`, { 'x-signature': '00' });
    assert.equal((await data('/api/webhooks/health/shop')).status, 'failing');
  });

  it('keys past their window are counted as expired until swept (two days on)', async () => {
    (gw.clock as ManualClock).advance(2 * 86_400_000);
    const later = await data('/monitoring/idempotency');
    assert.deepEqual([later.sources.shop.held, later.sources.shop.expired], [0, 2]);
  });
});
