import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../src/domain/clock.ts';
import type { Delivery } from '../../src/store/store.ts';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  type TestGateway,
} from '../helpers/gateway.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const signingSecret = `whsec_${randomBytes(24).toString('base64')}`;
const serviceToken = randomBytes(16).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const second = 1000;
const minute = 60 * second;

/**
 * Deliveries against a real loopback receiver, with an injected clock: retries come due when the
 * test moves the clock, and `dispatcher.idle()` says when the attempts it allowed are done.
 * Nothing sleeps.
 */
for (const engine of testEngines) {
  describe(
    `delivery to HTTP destinations (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const receiver = new Receiver();
      const clock = new ManualClock(Date.now());
      let gw: TestGateway;

      before(async () => {
        const url = await receiver.listen();
        const retry = { schedule: ['1m', '5m'], maxAttempts: 4, jitter: 0 };
        const destination = (name: string, extra: object = {}) => ({
          name,
          url: `${url}/${name}`,
          retry,
          ...extra,
        });
        gw = await startTestGateway(
          {
            admin: { token: '${ADMIN_TOKEN}' },
            delivery: { pollInterval: '1h' },
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
              destination('narrow', { concurrency: 2 }),
              destination('down', {
                retry: { schedule: ['10s'], maxAttempts: 10, jitter: 0 },
                circuitBreaker: { failureThreshold: 3, resetTimeout: '30s' },
              }),
            ],
            routes: ['ok', 'flaky', 'bad', 'gone', 'picky', 'down', 'narrow'].map((d) => ({
              source: 'orders',
              destination: d,
              filter: { eventType: `to.${d}` },
            })),
          },
          { SERVICE_TOKEN: serviceToken, ADMIN_TOKEN: adminToken },
          clock,
          engine,
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
        await gw.app.dispatcher.idle();
        return res.json().data.eventId as string;
      }

      /** Moves the clock and lets the dispatcher attempt whatever came due. */
      async function advance(ms: number): Promise<void> {
        clock.advance(ms);
        gw.app.dispatcher.wake();
        await gw.app.dispatcher.idle();
      }

      it('never has more attempts in flight than a destination allows, claiming ahead or not', async () => {
        let inFlight = 0;
        let most = 0;
        receiver.on('/narrow', () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          setTimeout(() => (inFlight -= 1), 20);
          return { status: 200, delayMs: 20 };
        });
        const bodies = Array.from({ length: 12 }, (_, i) => JSON.stringify({ n: i }));
        await Promise.all(
          bodies.map((body) =>
            gw.app.http.inject({
              method: 'POST',
              url: '/webhooks/orders',
              payload: body,
              headers: {
                'content-type': 'application/json',
                'x-signature': createHmac('sha256', secret).update(body).digest('hex'),
                'x-event-type': 'to.narrow',
              },
            }),
          ),
        );
        gw.app.dispatcher.wake();
        await gw.app.dispatcher.idle();
        assert.equal(receiver.at('/narrow').length, 12, 'each delivered once');
        assert.ok(most <= 2, `${most} attempts at once`);
      });

      const deliveryOf = async (eventId: string): Promise<Delivery> => {
        const [d] = await gw.store.deliveryListByEvent({ eventId });
        assert.ok(d);
        return d;
      };

      const admin = (method: 'GET' | 'POST', url: string, payload?: object) =>
        gw.app.http.inject({
          method,
          url,
          headers: { authorization: `Bearer ${adminToken}` },
          ...(payload ? { payload } : {}),
        });

      it('delivers the exact bytes with idempotency key, request id, config headers and a Standard Webhooks signature', async () => {
        const eventId = await send('to.ok', { order_id: 'A-1', note: 'مرحبا' });
        const delivery = await deliveryOf(eventId);
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
        assert.equal((await gw.store.deliveryListByEvent({ eventId })).length, 1);
      });

      it('a receiver that fails N times then succeeds: delivered once, N+1 attempts, backoff applied', async () => {
        receiver.on('/flaky', (_r, n) =>
          n === 1
            ? { status: 503 }
            : n === 2
              ? { status: 429, headers: { 'retry-after': '120' } }
              : { status: 200 },
        );
        const eventId = await send('to.flaky', { order_id: 'F-1' });
        let d = await deliveryOf(eventId);
        assert.equal(d.state, 'retry');
        assert.equal(d.nextAttemptAt - clock.now(), minute, 'first step of the schedule');
        await advance(minute - 1);
        assert.equal(receiver.at('/flaky').length, 1, 'not before the backoff');
        await advance(1);
        d = await deliveryOf(eventId);
        assert.equal(d.state, 'retry');
        // Retry-After 120 s is shorter than the 5 m step: the step wins.
        assert.equal(d.nextAttemptAt - clock.now(), 5 * minute);
        await advance(5 * minute);
        d = await deliveryOf(eventId);
        assert.equal(d.state, 'delivered');
        const attempts = await gw.store.attemptListByDelivery({ deliveryId: d.id });
        assert.deepEqual(
          attempts.map((a) => [a.number, a.statusCode, a.outcome, a.errorClass]),
          [
            [1, 503, 'retry', 'temporary'],
            [2, 429, 'retry', 'temporary'],
            [3, 200, 'delivered', null],
          ],
        );
        assert.equal(receiver.at('/flaky').length, 3);
        await advance(60 * minute);
        assert.equal(receiver.at('/flaky').length, 3, 'delivered is final');
      });

      it('a 400 goes dead at once; requeue from the admin API delivers it once the receiver is fixed', async () => {
        receiver.on('/bad', () => ({ status: 400, body: '{"error":"missing customer"}' }));
        const eventId = await send('to.bad', { order_id: 'B-1' });
        const dead = await deliveryOf(eventId);
        assert.equal(dead.state, 'dead');
        assert.equal(dead.deadReason, 'permanent');
        assert.equal(dead.errorClass, 'validation');
        const dlq = await admin('GET', '/monitoring/dlq?destination=bad');
        assert.equal(dlq.statusCode, 200);
        assert.deepEqual(
          dlq.json().data.deliveries.map((x: Delivery) => x.id),
          [dead.id],
        );
        receiver.on('/bad', () => ({ status: 201, body: '{"orderId":"ORD-9"}' }));
        const requeue = await admin('POST', '/admin/deliveries/requeue', {
          state: 'dead',
          destination: 'bad',
        });
        assert.deepEqual(requeue.json(), { success: true, data: { requeued: 1 } });
        await gw.app.dispatcher.idle();
        const delivered = await deliveryOf(eventId);
        assert.equal(delivered.state, 'delivered');
        const view = await admin('GET', `/api/v1/webhooks/events/${eventId}`);
        assert.equal(view.statusCode, 200);
        const event = view.json().data;
        assert.equal(event.body, '{"order_id":"B-1"}');
        assert.deepEqual(
          event.deliveries[0].attemptList.map((a: { statusCode: number }) => a.statusCode),
          [400, 201],
        );
      });

      it('retries a 4xx the destination lists as retryable, and dead-letters after maxAttempts', async () => {
        receiver.on('/picky', () => ({ status: 409 }));
        const eventId = await send('to.picky', { order_id: 'P-1' });
        for (let i = 0; i < 3; i++) await advance(5 * minute);
        const d = await deliveryOf(eventId);
        assert.equal(d.state, 'dead');
        assert.equal(d.deadReason, 'exhausted');
        assert.equal(d.attempts, 4);
        assert.equal(receiver.at('/picky').length, 4);
      });

      it('a receiver that is down for a while: the breaker opens, holds, probes, closes; every event is delivered', async () => {
        let up = false;
        receiver.on('/down', () => (up ? { status: 200 } : { status: 503 }));
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push(await send('to.down', { order_id: `D-${i}` }));
        // Three consecutive failures opened the breaker: the other two were held, their attempts unspent.
        const breakers = (await admin('GET', '/monitoring/circuit-breakers')).json().data.breakers;
        assert.equal(
          breakers.find((b: { destination: string }) => b.destination === 'down').state,
          'open',
        );
        assert.equal(receiver.at('/down').length, 3);
        const attemptsSpent = async () =>
          (await Promise.all(ids.map(deliveryOf))).reduce((n, d) => n + d.attempts, 0);
        assert.equal(await attemptsSpent(), 3);
        // Retries come due (10 s) while it is open: nothing is attempted.
        await advance(10 * second);
        assert.equal(receiver.at('/down').length, 3);
        // After the reset timeout one probe goes; it fails: open again.
        await advance(20 * second);
        assert.equal(receiver.at('/down').length, 4);
        assert.equal(
          gw.app.dispatcher.destinations.get('down')?.breaker?.snapshot(clock.now()).state,
          'open',
        );
        up = true;
        await advance(30 * second);
        // The probe succeeded, the breaker closed, the rest drained.
        assert.equal(
          gw.app.dispatcher.destinations.get('down')?.breaker?.snapshot(clock.now()).state,
          'closed',
        );
        const states = (await Promise.all(ids.map(deliveryOf))).map((d) => d.state);
        assert.deepEqual(states, ['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
      });

      it('on 410 Gone marks the delivery dead and pauses the destination; resume drains what was held', async () => {
        receiver.on('/gone', (_r, n) => (n === 1 ? { status: 410 } : { status: 200 }));
        const first = await send('to.gone', { order_id: 'G-1' });
        assert.equal((await deliveryOf(first)).deadReason, 'gone');
        assert.deepEqual(await gw.store.destinationPausedList(), ['gone']);
        const secondEvent = await send('to.gone', { order_id: 'G-2' });
        assert.equal((await deliveryOf(secondEvent)).state, 'held');
        assert.equal(receiver.at('/gone').length, 1);
        const resume = await admin('POST', '/admin/destinations/gone/resume');
        assert.equal(resume.statusCode, 200);
        await gw.app.dispatcher.idle();
        assert.equal((await deliveryOf(secondEvent)).state, 'delivered');
      });

      it('pausing holds deliveries; the admin API needs the token', async () => {
        assert.equal((await admin('POST', '/admin/destinations/ok/pause')).statusCode, 200);
        const eventId = await send('to.ok', { order_id: 'H-1' });
        assert.equal((await deliveryOf(eventId)).state, 'held');
        const listed = await admin('GET', '/admin/deliveries?destination=ok&state=held');
        assert.deepEqual(
          listed.json().data.deliveries.map((d: Delivery) => d.eventId),
          [eventId],
        );
        await admin('POST', '/admin/destinations/ok/resume');
        await gw.app.dispatcher.idle();
        assert.equal((await deliveryOf(eventId)).state, 'delivered');

        const destinations = (await admin('GET', '/admin/destinations')).json().data.destinations;
        const bad = destinations.find((d: { name: string }) => d.name === 'bad');
        assert.deepEqual(bad.counts, {
          attempts: 2,
          delivered: 1,
          retry: 0,
          dead: 1,
          errorClass: { validation: 1, temporary: 0, configuration: 0, unknown: 0 },
        });
        const anonymous = await gw.app.http.inject({ method: 'GET', url: '/admin/deliveries' });
        assert.equal(anonymous.statusCode, 401);
        assert.equal(anonymous.json().error.code, 'UNAUTHORIZED');
        const wrong = await gw.app.http.inject({
          method: 'GET',
          url: '/monitoring/dlq',
          headers: { authorization: 'Bearer nope' },
        });
        assert.equal(wrong.statusCode, 401);
        assert.equal((await admin('GET', '/admin/deliveries?state=bogus')).statusCode, 400);
        assert.equal((await admin('POST', '/admin/destinations/nowhere/pause')).statusCode, 404);
      });
    },
  );
}
