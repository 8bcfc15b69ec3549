import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { systemClock } from '../../src/domain/clock.ts';
import type { Delivery } from '../../src/store/store.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const signingSecret = `whsec_${randomBytes(24).toString('base64')}`;
const serviceToken = randomBytes(16).toString('hex');

describe('delivery to HTTP destinations', () => {
  const receiver = new Receiver();
  let gw: TestGateway;

  before(async () => {
    const url = await receiver.listen();
    const retry = { schedule: ['30ms'], maxAttempts: 4, jitter: 0 };
    const destination = (name: string, extra: object = {}) => ({
      name,
      url: `${url}/${name}`,
      retry,
      ...extra,
    });
    gw = await startTestGateway(
      {
        delivery: { pollInterval: '20ms' },
        sources: [
          {
            name: 'orders',
            provider: 'generic-hmac',
            secrets: [secret],
            options: { eventTypeHeader: 'x-event-type' },
          },
        ],
        destinations: [
          destination('ok', {
            signingSecret,
            headers: { 'X-Service-Token': '${SERVICE_TOKEN}', 'X-Integration-Service': 'true' },
          }),
          destination('flaky'),
          destination('bad'),
          destination('gone'),
          destination('picky', { retry: { ...retry, retryableStatuses: [409] } }),
        ],
        routes: ['ok', 'flaky', 'bad', 'gone', 'picky'].map((d) => ({
          source: 'orders',
          destination: d,
          filter: { eventType: [`to.${d}`, 'to.all'] },
        })),
      },
      { SERVICE_TOKEN: serviceToken },
      systemClock,
    );
    gw.app.dispatcher.start();
  });
  after(async () => {
    // Close the receiver even if start-up failed, or its socket keeps the test process alive.
    await receiver.close();
    await (gw as TestGateway | undefined)?.close();
  });

  async function send(type: string, payload: object): Promise<string> {
    const body = JSON.stringify(payload);
    const res = await gw.app.http.inject({
      method: 'POST',
      url: '/webhooks/orders',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-signature': createHmac('sha256', secret).update(body).digest('hex'),
        'x-event-type': type,
        'x-request-id': `req-${type}`,
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().data.eventId as string;
  }

  const settled = (eventId: string, destination: string) =>
    eventually(async () => {
      const d = (await gw.store.deliveryListByEvent({ eventId })).find(
        (x) => x.destination === destination,
      );
      return d && ['delivered', 'dead'].includes(d.state) ? d : undefined;
    });

  it('delivers the exact bytes with idempotency key, request id, config headers and a Standard Webhooks signature', async () => {
    const eventId = await send('to.ok', { order_id: 'A-1', note: 'مرحبا' });
    const delivery: Delivery = await settled(eventId, 'ok');
    assert.equal(delivery.state, 'delivered');
    const [got] = receiver.at('/ok');
    assert.ok(got);
    const stored = await gw.store.eventGet({ id: eventId });
    assert.ok(stored && got.body.equals(stored.body));
    assert.equal(got.headers['idempotency-key'], `${eventId}.ok`);
    assert.equal(got.headers['x-request-id'], 'req-to.ok');
    assert.equal(got.headers['x-service-token'], serviceToken);
    assert.equal(got.headers['x-integration-service'], 'true');
    assert.equal(got.headers['x-hookgate-event-type'], 'to.ok');
    // The receiver verifies Hookgate with the official Standard Webhooks library.
    const verified = new Webhook(signingSecret).verify(got.body.toString(), {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    });
    assert.deepEqual(verified, { order_id: 'A-1', note: 'مرحبا' });
    const attempts = await gw.store.attemptListByDelivery({ deliveryId: delivery.id });
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]?.statusCode, 200);
    assert.equal(attempts[0]?.responseBody, '{"ok":true}');
    // Only the route whose filter matched got a delivery.
    assert.deepEqual(
      (await gw.store.deliveryListByEvent({ eventId })).map((d) => d.destination),
      ['ok'],
    );
  });

  it('retries 5xx and 429 on the schedule until the destination takes it', async () => {
    receiver.on('/flaky', (_r, n) =>
      n === 1
        ? { status: 503 }
        : n === 2
          ? { status: 429, headers: { 'retry-after': '0' } }
          : { status: 200 },
    );
    const eventId = await send('to.flaky', { order_id: 'F-1' });
    const delivery = await settled(eventId, 'flaky');
    assert.equal(delivery.state, 'delivered');
    assert.equal(delivery.attempts, 3);
    const attempts = await gw.store.attemptListByDelivery({ deliveryId: delivery.id });
    assert.deepEqual(
      attempts.map((a) => [a.number, a.statusCode, a.outcome, a.errorClass]),
      [
        [1, 503, 'retry', 'temporary'],
        [2, 429, 'retry', 'temporary'],
        [3, 200, 'delivered', null],
      ],
    );
    // The retry waited at least the schedule's step.
    assert.ok((attempts[1]?.startedAt ?? 0) - (attempts[0]?.startedAt ?? 0) >= 30);
  });

  it('dead-letters a 400 at once (permanent) and keeps the attempt', async () => {
    receiver.on('/bad', () => ({ status: 400, body: '{"error":"missing customer"}' }));
    const eventId = await send('to.bad', { order_id: 'B-1' });
    const delivery = await settled(eventId, 'bad');
    assert.equal(delivery.state, 'dead');
    assert.equal(delivery.deadReason, 'permanent');
    assert.equal(delivery.errorClass, 'validation');
    assert.equal(delivery.attempts, 1);
    const [attempt] = await gw.store.attemptListByDelivery({ deliveryId: delivery.id });
    assert.equal(attempt?.responseBody, '{"error":"missing customer"}');
  });

  it('retries a 4xx the destination lists as retryable, and dead-letters after maxAttempts', async () => {
    receiver.on('/picky', () => ({ status: 409 }));
    const eventId = await send('to.picky', { order_id: 'P-1' });
    const delivery = await settled(eventId, 'picky');
    assert.equal(delivery.state, 'dead');
    assert.equal(delivery.deadReason, 'exhausted');
    assert.equal(delivery.attempts, 4);
    assert.equal(receiver.at('/picky').length, 4);
  });

  it('on 410 Gone marks the delivery dead and pauses the destination', async () => {
    receiver.on('/gone', () => ({ status: 410 }));
    const first = await send('to.gone', { order_id: 'G-1' });
    const delivery = await settled(first, 'gone');
    assert.equal(delivery.deadReason, 'gone');
    await eventually(async () => (await gw.store.destinationPausedList()).includes('gone'));
    const second = await send('to.gone', { order_id: 'G-2' });
    await new Promise((r) => setTimeout(r, 100));
    const held = (await gw.store.deliveryListByEvent({ eventId: second }))[0];
    assert.equal(held?.state, 'pending');
    assert.equal(receiver.at('/gone').length, 1);
  });
});
