import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.ts';
import { startTestGateway, testNow, type TestGateway } from '../helpers/gateway.ts';
import { Receiver } from '../helpers/receiver.ts';
import { redisSkipReason, redisUrl, testKeyPrefix } from '../helpers/redis.ts';

const skip = await redisSkipReason();
const adminToken = randomBytes(16).toString('hex');

interface BreakerView {
  destination: string;
  state: string;
  consecutiveFailures: number;
}

/**
 * Two gateways on one Redis, as two instances behind a load balancer (each with its own SQLite
 * file here: what is shared is the breaker). Deliveries fail for real against a loopback receiver.
 */
describe('admin API with breakers shared through Redis: two gateways', { skip }, () => {
  const receiver = new Receiver();
  const keys = testKeyPrefix();
  const clock = new ManualClock(testNow);
  let a: TestGateway;
  let b: TestGateway;

  before(async () => {
    const url = await receiver.listen();
    const config = {
      admin: { token: '${ADMIN_TOKEN}' },
      delivery: { pollInterval: '1h' },
      redis: { keyPrefix: keys.prefix },
      sources: [{ name: 'orders', provider: 'none' }],
      destinations: [
        {
          name: 'down',
          url: `${url}/down`,
          retry: { schedule: ['10m'], maxAttempts: 10, jitter: 0 },
          circuitBreaker: { failureThreshold: 5, resetTimeout: '30s' },
        },
      ],
      routes: [{ source: 'orders', destination: 'down' }],
    };
    const env = { ADMIN_TOKEN: adminToken, REDIS_URL: redisUrl };
    a = await startTestGateway(config, env, clock);
    b = await startTestGateway(config, env, clock);
    a.app.dispatcher.start();
    b.app.dispatcher.start();
  });
  after(async () => {
    await receiver.close();
    await (a as TestGateway | undefined)?.close();
    await (b as TestGateway | undefined)?.close();
    await keys.drop();
  });

  let sent = 0;
  async function send(gw: TestGateway, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await gw.app.http.inject({
        method: 'POST',
        url: '/webhooks/orders',
        payload: { n: (sent += 1) }, // a body of its own: not a duplicate
      });
      assert.equal(res.statusCode, 200, res.body);
      await gw.app.dispatcher.idle();
    }
  }

  const admin = (gw: TestGateway, method: 'GET' | 'POST', url: string) =>
    gw.app.http.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` } });

  const breakerOn = async (gw: TestGateway): Promise<BreakerView> => {
    const res = await admin(gw, 'GET', '/admin/breakers');
    assert.equal(res.statusCode, 200);
    const [view] = res.json().data.breakers as BreakerView[];
    assert.ok(view);
    return view;
  };

  it('failures on both gateways open one breaker; both show it; a reset on one closes it for both', async () => {
    receiver.on('/down', () => ({ status: 503 }));
    await send(a, 3);
    const afterThree = await breakerOn(b);
    assert.deepEqual(
      [afterThree.state, afterThree.consecutiveFailures],
      ['closed', 3],
      'B sees the failures A had',
    );
    await send(b, 2);
    assert.equal(receiver.at('/down').length, 5);
    const seenByA = await breakerOn(a);
    assert.deepEqual([seenByA.state, seenByA.consecutiveFailures], ['open', 5]);
    const destinations = (await admin(a, 'GET', '/admin/destinations')).json().data.destinations;
    assert.equal(destinations[0].breaker.state, 'open');
    assert.equal((await breakerOn(b)).state, 'open');
    // The monitoring alias shows the same shared state.
    const alias = (await admin(a, 'GET', '/monitoring/circuit-breakers')).json().data.breakers;
    assert.equal(alias[0].state, 'open');

    // Open on A too, though A only saw 3 failures: a new event there is held, not attempted.
    await send(a, 1);
    assert.equal(receiver.at('/down').length, 5);

    receiver.on('/down', () => ({ status: 200 }));
    const reset = await admin(a, 'POST', '/admin/breakers/down/reset');
    assert.equal(reset.statusCode, 200);
    assert.equal(reset.json().data.state, 'closed');
    await a.app.dispatcher.idle();
    assert.equal(receiver.at('/down').length, 6, 'the held event went out after the reset');
    const seenByB = await breakerOn(b);
    assert.deepEqual([seenByB.state, seenByB.consecutiveFailures], ['closed', 0]);

    // Each gateway logged the transition it caused.
    const transitions = (gw: TestGateway) =>
      gw.logs
        .map((line) => JSON.parse(line) as { msg: string; from?: string; to?: string })
        .filter((l) => l.msg === 'circuit breaker')
        .map((l) => `${l.from}->${l.to}`);
    assert.deepEqual(transitions(b), ['closed->open']);
    assert.deepEqual(transitions(a), ['open->closed']);
  });
});
