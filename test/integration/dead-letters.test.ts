import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.ts';
import type { DeadLetter } from '../../src/store/store.ts';
import { adminClient, postWebhook } from '../helpers/admin.ts';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  testNow,
  type TestGateway,
} from '../helpers/gateway.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const hour = 3_600_000;

/** Seed 004's dead-letter workflow over the admin API, from real failed deliveries. */
for (const engine of testEngines) {
  describe(
    `the dead-letter queue over the admin API (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const receiver = new Receiver();
      const clock = new ManualClock(testNow);
      let gw: TestGateway;
      const admin = adminClient(() => gw, adminToken);
      const dead: Record<string, string> = {};

      before(async () => {
        const url = await receiver.listen();
        let n = 0;
        receiver.on('/flaky', () => ({ status: 503 }));
        receiver.on('/strict', () => ({
          status: 422,
          body: `{"error":"order ${(n += 1)} invalid"}`,
        }));
        gw = await startTestGateway(
          {
            admin: { token: '${ADMIN_TOKEN}' },
            delivery: { pollInterval: '1h' },
            deadLetters: { attentionAfter: '1h', rateWindow: '24h' },
            sources: ['shop', 'crm'].map((name) => ({
              name,
              provider: 'generic-hmac',
              secrets: [secret],
              options: { eventIdPath: 'id' },
            })),
            destinations: [
              { name: 'flaky', url: `${url}/flaky`, retry: { maxAttempts: 1 } },
              { name: 'strict', url: `${url}/strict` },
            ],
            routes: [
              { source: 'shop', destination: 'flaky', filter: { body: { kind: 'f' } } },
              { source: 'shop', destination: 'strict', filter: { body: { kind: 's' } } },
              { source: 'crm', destination: 'strict' },
            ],
          },
          { ADMIN_TOKEN: adminToken },
          clock,
          engine,
        );
        gw.app.dispatcher.start();
        for (const [key, source, kind] of [
          ['f1', 'shop', 'f'],
          ['f2', 'shop', 'f'],
          ['s1', 'shop', 's'],
          ['c1', 'crm', 's'],
        ] as const) {
          const eventId = await postWebhook(gw, source, secret, { id: key, kind });
          await gw.app.dispatcher.idle();
          const [d] = await gw.store.deliveryListByEvent({ eventId });
          assert.equal(d?.state, 'dead', key);
          dead[key] = d.id;
          clock.advance(1000);
        }
      });
      after(async () => {
        await receiver.close();
        await (gw as TestGateway | undefined)?.close();
      });

      const list = async (query = '') => {
        const res = await admin('GET', `/admin/dlq?${query}`);
        assert.equal(res.statusCode, 200, res.body);
        return (res.json().data.deliveries as DeadLetter[]).map((d) => d.id);
      };

      it('lists dead letters by source, destination, provider, error class, dead reason and time', async () => {
        assert.deepEqual(await list(), [dead.c1, dead.s1, dead.f2, dead.f1]);
        assert.deepEqual(await list('source=shop&destination=flaky'), [dead.f2, dead.f1]);
        assert.deepEqual(await list('errorClass=validation'), [dead.c1, dead.s1]);
        assert.deepEqual(await list('deadReason=exhausted'), [dead.f2, dead.f1]);
        assert.deepEqual(await list('provider=generic-hmac&source=crm'), [dead.c1]);
        assert.deepEqual(
          await list(`receivedSince=${testNow + 1000}&receivedUntil=${testNow + 3000}`),
          [dead.s1, dead.f2],
        );
        assert.deepEqual(await list(`deadSince=${new Date(testNow + 3000).toISOString()}`), [
          dead.c1,
        ]);
        const page = (await admin('GET', '/admin/dlq?limit=2')).json().data;
        assert.equal(page.next, dead.s1);
        assert.deepEqual(await list(`limit=2&before=${page.next}`), [dead.f2, dead.f1]);
      });

      it('reviews, requeues and discards one dead letter, with who, when and why', async () => {
        const reviewed = await admin('POST', `/admin/dlq/${dead.f1}/review`, {
          by: 'ana',
          note: 'customer called 🎉',
        });
        assert.equal(reviewed.statusCode, 200, reviewed.body);
        assert.deepEqual(
          [
            reviewed.json().data.delivery.reviewState,
            reviewed.json().data.delivery.reviewedBy,
            reviewed.json().data.delivery.reviewNote,
          ],
          ['reviewing', 'ana', 'customer called 🎉'],
        );
        assert.deepEqual(await list('review=reviewing'), [dead.f1]);
        assert.deepEqual(await list('review=failed&destination=flaky'), [dead.f2]);
        receiver.on('/flaky', () => ({ status: 200 }));
        const requeued = await admin('POST', `/admin/dlq/${dead.f1}/requeue`, { note: 'fixed' });
        assert.equal(requeued.json().data.requeued, 1);
        await gw.app.dispatcher.idle();
        const delivery = await gw.store.deliveryGet({ id: dead.f1 as string });
        assert.ok(delivery);
        assert.deepEqual(
          [delivery.state, delivery.reviewState, delivery.reviewedBy, delivery.reviewNote],
          ['delivered', 'requeued', 'admin', 'fixed'],
        );
        const again = await admin('POST', `/admin/dlq/${dead.f1}/discard`, {});
        assert.equal(again.statusCode, 409);
        assert.equal((await admin('POST', '/admin/dlq/dlv_nope/review', {})).statusCode, 404);
        receiver.on('/flaky', () => ({ status: 503 }));
      });

      it('answers the statistics seed 004 describes: patterns, failure rates, attention', async () => {
        clock.advance(2 * hour);
        const res = await admin('GET', '/monitoring/dlq');
        assert.equal(res.statusCode, 200, res.body);
        const { deliveries, stats } = res.json().data;
        assert.equal(deliveries.length, 3);
        assert.equal(stats.total, 3);
        assert.deepEqual(stats.byReview, { failed: 3, reviewing: 0, discarded: 0 });
        assert.deepEqual(stats.byDestination, { flaky: 1, strict: 2 });
        assert.deepEqual(stats.bySource, { shop: 2, crm: 1 });
        // "HTTP 422" twice, "HTTP 503" once: the order numbers in the bodies do not split them.
        assert.deepEqual(
          stats.patterns.map((p: { pattern: string; count: number }) => [p.pattern, p.count]),
          [
            ['HTTP 422', 2],
            ['HTTP 503', 1],
          ],
        );
        const strict = stats.failureRates.byDestination.find(
          (r: { name: string }) => r.name === 'strict',
        );
        assert.deepEqual([strict.total, strict.dead, strict.rate], [2, 2, 1]);
        const flaky = stats.failureRates.byDestination.find(
          (r: { name: string }) => r.name === 'flaky',
        );
        assert.deepEqual([flaky.total, flaky.dead, flaky.rate], [2, 1, 0.5]);
        assert.equal(stats.attention.count, 3);
        const patterns = (await admin('GET', '/admin/dlq/patterns')).json().data;
        assert.deepEqual(patterns.patterns, stats.patterns);
      });

      it('exports dead letters as NDJSON: event, attempts, errors', async () => {
        const res = await admin('GET', '/admin/dlq/export?destination=strict');
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /^application\/x-ndjson/);
        const lines = res.body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        assert.deepEqual(
          lines.map((l) => l.deadLetter.id),
          [dead.c1, dead.s1],
        );
        assert.equal(lines[0].event.body, '{"id":"c1","kind":"s"}');
        assert.equal(lines[0].attempts.length, 1);
        assert.equal(lines[0].attempts[0].statusCode, 422);
        assert.deepEqual(lines[0].errors, ['HTTP 422']);
        const limited = await admin('GET', '/admin/dlq/export?limit=1');
        assert.equal(limited.body.trim().split('\n').length, 1);
      });

      it('discards by filter, lists and clears the discarded', async () => {
        const res = await admin('POST', '/admin/dlq/discard', {
          destination: 'strict',
          by: 'ops',
          note: 'vendor gone',
        });
        assert.deepEqual(res.json().data, { discarded: 2 });
        assert.deepEqual(await list('review=discarded'), [dead.c1, dead.s1]);
        assert.deepEqual(await list(), [dead.f2]);
        const requeue = await admin('POST', '/admin/dlq/requeue', { source: 'shop' });
        assert.deepEqual(requeue.json().data, { requeued: 1 });
        await gw.app.dispatcher.idle();
        const cleared = await admin('DELETE', '/admin/dlq/discarded');
        assert.deepEqual(cleared.json().data, { deleted: 2, attempts: 2 });
        assert.deepEqual(await list('review=discarded'), []);
      });

      it('answers 400 INVALID_FILTER for a bad filter and 401 without the token on every route', async () => {
        for (const [method, url, payload] of [
          ['GET', '/admin/dlq?review=lost'],
          ['GET', '/admin/dlq?colour=red'],
          ['GET', '/admin/dlq?receivedSince=soon'],
          ['GET', '/admin/dlq?source=%00'],
          ['GET', '/admin/dlq/export?limit=0'],
          ['POST', '/admin/dlq/discard', { destination: '' }],
          ['POST', '/admin/dlq/requeue', { deadUntil: 'never' }],
          ['POST', '/admin/dlq/review', { source: 'a\u0000' }],
        ] as const) {
          const res = await admin(method, url, payload);
          assert.equal(res.statusCode, 400, url);
          assert.equal(res.json().error.code, 'INVALID_FILTER', url);
        }
        for (const value of ['\ud800', '🎉', "'; --"]) {
          const res = await admin('POST', '/admin/dlq/review', { source: value, note: value });
          assert.deepEqual(res.json().data, { reviewing: 0 }, value);
        }
        for (const [method, url] of [
          ['GET', '/admin/dlq'],
          ['GET', '/monitoring/dlq'],
          ['GET', '/admin/dlq/patterns'],
          ['GET', '/admin/dlq/export'],
          ['DELETE', '/admin/dlq/discarded'],
          ['POST', `/admin/dlq/${dead.f2}/review`],
          ['POST', `/admin/dlq/${dead.f2}/requeue`],
          ['POST', `/admin/dlq/${dead.f2}/discard`],
          ['POST', '/admin/dlq/review'],
          ['POST', '/admin/dlq/requeue'],
          ['POST', '/admin/dlq/discard'],
        ] as const) {
          const res = await gw.app.http.inject({
            method,
            url,
            ...(method === 'POST' ? { payload: {} } : {}),
          });
          assert.equal(res.statusCode, 401, url);
        }
      });
    },
  );
}
