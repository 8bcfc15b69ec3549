import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.ts';
import { postSigned, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');

/**
 * Seed 004's retry presets, from a config through ingress to a receiver that always fails:
 * each destination's waits and attempts are the preset's, explicit keys overriding it.
 */
describe('retry presets', () => {
  const receiver = new Receiver();
  const clock = new ManualClock(Date.now());
  let gw: TestGateway;

  before(async () => {
    const url = await receiver.listen();
    const destination = (name: string, retry: object) => ({ name, url: `${url}/${name}`, retry });
    gw = await startTestGateway(
      {
        delivery: { pollInterval: '1h' },
        sources: [{ name: 'orders', provider: 'generic-hmac', secrets: [secret] }],
        destinations: [
          // jitter is set explicitly (overriding the preset's 0.1) so the waits are exact.
          destination('quick', { preset: 'quick', jitter: 0 }),
          destination('limited', { preset: 'rate-limited', jitter: 0, maxAttempts: 2 }),
          destination('own', { preset: 'aggressive', jitter: 0, schedule: ['7s'] }),
        ],
        routes: ['quick', 'limited', 'own'].map((d) => ({ source: 'orders', destination: d })),
      },
      {},
      clock,
    );
    for (const path of ['/quick', '/limited', '/own']) receiver.on(path, () => ({ status: 503 }));
    gw.app.dispatcher.start();
  });
  after(async () => {
    await receiver.close();
    await (gw as TestGateway | undefined)?.close();
  });

  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    gw.app.dispatcher.wake();
    await gw.app.dispatcher.idle();
  }

  it('waits and gives up as the preset says; explicit keys override the preset', async () => {
    const body = JSON.stringify({ id: 'evt-preset' });
    const res = await postSigned(gw, secret, body);
    assert.equal(res.statusCode, 200, res.body);
    const eventId = (res.json() as { data: { eventId: string } }).data.eventId;
    gw.app.dispatcher.wake();
    await gw.app.dispatcher.idle();
    const state = async () => {
      const list = await gw.store.deliveryListByEvent({ eventId });
      return Object.fromEntries(
        list.map((d) => [
          d.destination,
          { state: d.state, attempts: d.attempts, waitMs: d.nextAttemptAt - clock.now() },
        ]),
      );
    };
    let now = await state();
    assert.deepEqual(now.quick, { state: 'retry', attempts: 1, waitMs: 500 });
    assert.deepEqual(now.limited, { state: 'retry', attempts: 1, waitMs: 5_000 });
    assert.deepEqual(now.own, { state: 'retry', attempts: 1, waitMs: 7_000 });

    await advance(500);
    now = await state();
    assert.deepEqual(now.quick, { state: 'retry', attempts: 2, waitMs: 5_000 });

    await advance(4_500);
    now = await state();
    // rate-limited with maxAttempts 2: dead after its second attempt.
    assert.equal(now.limited?.state, 'dead');
    assert.equal(now.limited?.attempts, 2);
    assert.equal(now.quick?.state, 'retry');

    await advance(500);
    now = await state();
    // quick: 3 attempts in all.
    assert.equal(now.quick?.state, 'dead');
    assert.equal(now.quick?.attempts, 3);
    assert.equal(now.own?.state, 'retry');

    await advance(1_500);
    now = await state();
    // Its own schedule (one step, repeated) with the aggressive preset's 10 attempts.
    assert.deepEqual(now.own, { state: 'retry', attempts: 2, waitMs: 7_000 });
    assert.equal(receiver.at('/quick').length, 3);
    assert.equal(receiver.at('/limited').length, 2);
  });

  it('refuses an unknown preset, naming the known ones', async () => {
    const { parseConfig, ConfigError } = await import('../../src/config/load.ts');
    const yaml = `
sources: [{ name: s, provider: none }]
destinations: [{ name: d, url: 'http://127.0.0.1:1/x', retry: { preset: fast } }]`;
    assert.throws(
      () => parseConfig(yaml, { file: 'x.yaml', env: {}, dataDir: '/nonexistent' }),
      (err) =>
        err instanceof ConfigError &&
        /^destinations\[0\]\.retry\.preset: .*"quick"\|"standard"\|"aggressive"\|"rate-limited"/.test(
          err.problems[0] ?? '',
        ),
    );
    const presets = parseConfig(
      `
sources: [{ name: s, provider: none }]
destinations:
  - { name: q, url: 'http://127.0.0.1:1/x', retry: { preset: quick } }
  - { name: s, url: 'http://127.0.0.1:1/x', retry: { preset: standard } }
  - { name: a, url: 'http://127.0.0.1:1/x', retry: { preset: aggressive } }
  - { name: r, url: 'http://127.0.0.1:1/x', retry: { preset: rate-limited } }
  - { name: default, url: 'http://127.0.0.1:1/x' }`,
      { file: 'x.yaml', env: {}, dataDir: '/nonexistent' },
    ).config.destinations.map((d) => [d.name, d.retry.maxAttempts, d.retry.schedule]);
    assert.deepEqual(presets, [
      ['q', 3, [500, 5_000]],
      ['s', 5, [1_000, 3_000, 10_000, 30_000]],
      ['a', 10, [2_000, 3_000, 5_000, 7_000, 11_000, 17_000, 26_000, 40_000, 60_000]],
      ['r', 5, [5_000, 15_000, 40_000, 120_000]],
      [
        'default',
        10,
        [
          60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000,
          86_400_000,
        ],
      ],
    ]);
  });
});
