import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { createLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startTestGateway, tempDir, testNow, type TestGateway } from '../helpers/gateway.ts';
import { Receiver } from '../helpers/receiver.ts';
import { freePort, redisServerSkipReason, ThrowawayRedis } from '../helpers/redis.ts';

const skip = redisServerSkipReason();
const adminToken = randomBytes(16).toString('hex');
const prefix = `hg-test-${randomBytes(6).toString('hex')}:`;

const config = (url: string) => ({
  admin: { token: '${ADMIN_TOKEN}' },
  delivery: { pollInterval: '1h' },
  redis: { keyPrefix: prefix },
  sources: [
    { name: 'limited', provider: 'none', rateLimit: { points: 2, duration: 60, key: 'source' } },
    { name: 'orders', provider: 'none' },
  ],
  destinations: [
    {
      name: 'down',
      url: `${url}/down`,
      retry: { schedule: ['10m'], maxAttempts: 10, jitter: 0 },
      circuitBreaker: { failureThreshold: 2, resetTimeout: '30s' },
    },
  ],
  routes: [{ source: 'orders', destination: 'down' }],
});

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A Redis of the test's own (a redis-server child process) is killed and restarted under a
 * running gateway: ingestion, rate limits and breakers go on with local state, /health says so,
 * and the logs say it once each way.
 */
describe('Redis outage', { skip }, () => {
  const receiver = new Receiver();
  const clock = new ManualClock(testNow);
  let redis: ThrowawayRedis;
  let gw: TestGateway;
  let sent = 0;

  before(async () => {
    redis = new ThrowawayRedis(await freePort());
    await redis.start();
    const url = await receiver.listen();
    gw = await startTestGateway(
      config(url),
      { ADMIN_TOKEN: adminToken, REDIS_URL: redis.url },
      clock,
    );
    gw.app.dispatcher.start();
  });
  after(async () => {
    await receiver.close();
    await (gw as TestGateway | undefined)?.close();
    await redis.kill();
  });

  const post = async (source: string): Promise<number> => {
    const res = await gw.app.http.inject({
      method: 'POST',
      url: `/webhooks/${source}`,
      payload: { n: (sent += 1) },
    });
    await gw.app.dispatcher.idle();
    return res.statusCode;
  };
  const health = async () => {
    const res = await gw.app.http.inject({ method: 'GET', url: '/health' });
    return { code: res.statusCode, body: res.json() };
  };
  const breakerState = async (): Promise<string> => {
    const res = await gw.app.http.inject({
      method: 'GET',
      url: '/admin/breakers',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    return res.json().data.breakers[0].state;
  };
  const logged = (level: number, msg: RegExp) =>
    gw.logs
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((l) => l.level === level && msg.test(l.msg)).length;
  const rateKeyInRedis = async (): Promise<boolean> => {
    const client = new Redis(redis.url);
    try {
      return (await client.exists(`${prefix}src:limited:all`)) === 1;
    } finally {
      client.disconnect();
    }
  };

  it('with Redis up: limits live in Redis, /health reports it ok and shared', async () => {
    assert.equal(gw.app.redis?.mode, 'shared');
    assert.equal(await post('limited'), 200);
    assert.ok(await rateKeyInRedis(), 'the source budget is in Redis');
    const { code, body } = await health();
    assert.equal(code, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.checks.redis.status, 'ok');
    assert.equal(body.checks.redis.mode, 'shared');
  });

  it('Redis killed: ingestion, rate limits and breakers go on locally; /health degraded (200); one warning', async () => {
    await redis.kill();
    await until('local mode', () => gw.app.redis?.mode === 'local');

    // The source's budget is now this instance's own, in memory: still 2 per minute.
    assert.deepEqual(
      [await post('limited'), await post('limited'), await post('limited')],
      [200, 200, 429],
    );

    // The breaker: two failures open this instance's own breaker, which then holds deliveries.
    receiver.on('/down', () => ({ status: 503 }));
    assert.equal(await post('orders'), 200);
    assert.equal(await post('orders'), 200);
    assert.equal(await breakerState(), 'open');
    assert.equal(await post('orders'), 200, 'still accepting');
    assert.equal(receiver.at('/down').length, 2, 'the third was held');

    const { code, body } = await health();
    assert.equal(code, 200);
    assert.equal(body.status, 'degraded');
    assert.deepEqual(body.checks.redis, { status: 'failing', mode: 'local' });
    assert.equal(body.checks.database.status, 'ok');
    const ready = await gw.app.http.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200);

    // Let a few reconnects fail: still one warning, not one per command or per reconnect.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(logged(40, /^redis unavailable/), 1);
  });

  it('Redis back on the same port: shared again, /health ok, one info line', async () => {
    await redis.start();
    await until('shared mode', () => gw.app.redis?.mode === 'shared');
    assert.equal(logged(30, /^redis is back/), 1);
    const { code, body } = await health();
    assert.equal(code, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.checks.redis.mode, 'shared');
    // The state is Redis's again (this restarted one is empty): closed, its budget in Redis.
    assert.equal(await breakerState(), 'closed');
    assert.equal(await post('limited'), 200);
    assert.ok(await rateKeyInRedis());
    assert.equal(logged(40, /^redis unavailable/), 1);
  });
});

describe('Redis down at start', { skip }, () => {
  it('the gateway starts and serves on local state; /health says degraded', async () => {
    const port = await freePort(); // nothing listens there
    const dir = tempDir();
    const loaded = parseConfig(JSON.stringify(config('http://127.0.0.1:9')), {
      file: 'test.yaml',
      env: { ADMIN_TOKEN: adminToken, REDIS_URL: `redis://127.0.0.1:${port}` },
      dataDir: dir,
    });
    const store = new SqliteStore({ path: join(dir, 'hookgate.db'), busyTimeoutMs: 1000 });
    await store.migrate();
    const logs: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
    // Built by hand: startTestGateway waits for Redis to connect.
    const app = buildApp({ config: loaded.config, store, clock: new ManualClock(testNow), logger });
    await app.http.ready();
    try {
      assert.equal(app.redis?.mode, 'local');
      const post = async () =>
        (await app.http.inject({ method: 'POST', url: '/webhooks/limited', payload: {} }))
          .statusCode;
      assert.deepEqual([await post(), await post(), await post()], [200, 200, 429]);
      const res = await app.http.inject({ method: 'GET', url: '/health' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().status, 'degraded');
      assert.deepEqual(res.json().checks.redis, { status: 'failing', mode: 'local' });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const warnings = logs.filter((line) => line.includes('"msg":"redis unavailable'));
      assert.equal(warnings.length, 1);
    } finally {
      await app.drain();
      await store.close();
    }
  });
});
