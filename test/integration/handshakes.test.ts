import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Simulator } from '../../src/providers/simulator.ts';
import { simulators } from '../../src/providers/simulators.ts';
import { startTestGateway, testNow, type TestGateway } from '../helpers/gateway.ts';

const secret = randomBytes(24).toString('hex');
const names = ['slack', 'zoom', 'twitch', 'woocommerce', 'google'] as const;

/**
 * Each platform's endpoint check, signed by its simulator where the platform signs it, through
 * the HTTP ingress: answered from the request, kept as a `handshake` event, never delivered.
 */
describe('handshakes through the HTTP ingress', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      sources: names.map((name) => ({ name, provider: name, secrets: [secret] })),
      destinations: [{ name: 'backend', url: 'http://127.0.0.1:9/never' }],
      routes: names.map((source) => ({ source, destination: 'backend' })),
    });
  });
  after(() => gw.close());

  async function send(
    name: (typeof names)[number],
    body: string,
    extraHeaders: Record<string, string> = {},
    signed = true,
  ) {
    const simulator = simulators.get(name) as Simulator;
    const source = gw.loaded.config.sources.find((s) => s.name === name);
    const request = signed
      ? simulator.sign({
          body: Buffer.from(body),
          secret,
          now: testNow,
          options: source?.options,
          url: `http://127.0.0.1/webhooks/${name}`,
        })
      : { headers: {}, body: Buffer.from(body) };
    const res = await gw.app.http.inject({
      method: 'POST',
      url: `/webhooks/${name}`,
      payload: request.body,
      headers: { ...request.headers, ...extraHeaders },
    });
    const [stored] = await gw.store.eventList({ source: name, limit: 1 });
    return { res, stored };
  }

  async function assertHandshake(stored: { id: string; eventType: string | null } | undefined) {
    assert.equal(stored?.eventType, 'handshake');
    assert.deepEqual(await gw.store.deliveryListByEvent({ eventId: stored?.id as string }), []);
  }

  it('Slack url_verification: the challenge back', async () => {
    const body = JSON.stringify({ token: 't', challenge: 'c-3f9a', type: 'url_verification' });
    const { res, stored } = await send('slack', body);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.body, 'c-3f9a');
    await assertHandshake(stored);
  });

  it('Zoom endpoint.url_validation: plainToken and its HMAC', async () => {
    const body = JSON.stringify({
      event: 'endpoint.url_validation',
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: testNow,
    });
    const { res, stored } = await send('zoom', body);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', secret).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
    await assertHandshake(stored);
  });

  it('Twitch webhook_callback_verification: the challenge as text', async () => {
    const body = JSON.stringify({
      challenge: 'pogchamp-kappa-360noscope-vohiyo',
      subscription: { id: 'f1c2a387', type: 'channel.follow', version: '2' },
    });
    const { res, stored } = await send('twitch', body, {
      'twitch-eventsub-message-type': 'webhook_callback_verification',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.body, 'pogchamp-kappa-360noscope-vohiyo');
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    await assertHandshake(stored);
  });

  it('WooCommerce creation ping: unsigned, 200', async () => {
    const { res, stored } = await send(
      'woocommerce',
      'webhook_id=42',
      { 'content-type': 'application/x-www-form-urlencoded' },
      false,
    );
    assert.equal(res.statusCode, 200, res.body);
    await assertHandshake(stored);
  });

  it('Google channel sync message', async () => {
    const { res, stored } = await send('google', '', { 'x-goog-resource-state': 'sync' });
    assert.equal(res.statusCode, 200, res.body);
    await assertHandshake(stored);
  });

  it('a forged handshake is rejected like any webhook', async () => {
    const body = JSON.stringify({ challenge: 'x', type: 'url_verification' });
    const res = await gw.app.http.inject({
      method: 'POST',
      url: '/webhooks/slack',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(testNow / 1000),
        'x-slack-signature': `v0=${'0'.repeat(64)}`,
      },
    });
    assert.equal(res.statusCode, 401);
  });
});
