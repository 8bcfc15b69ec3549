import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.ts';
import { adminClient, postWebhook } from '../helpers/admin.ts';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  testNow,
  type TestGateway,
} from '../helpers/gateway.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const minute = 60_000;

/** GET /admin/events through the real config, ingress, indexer and dispatcher. */
for (const engine of testEngines) {
  describe(
    `event search over the admin API (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const receiver = new Receiver();
      const clock = new ManualClock(testNow);
      let gw: TestGateway;
      const admin = adminClient(() => gw, adminToken);
      const ids: string[] = [];

      before(async () => {
        const url = await receiver.listen();
        receiver.on('/bad', () => ({ status: 400 }));
        gw = await startTestGateway(
          {
            admin: { token: '${ADMIN_TOKEN}' },
            delivery: { pollInterval: '1h' },
            sources: ['shop', 'crm'].map((name) => ({
              name,
              provider: 'generic-hmac',
              secrets: [secret],
              options: { eventIdPath: 'id', eventTypeHeader: 'x-event-type' },
            })),
            destinations: [
              { name: 'backend', url: `${url}/backend` },
              { name: 'bad', url: `${url}/bad` },
            ],
            routes: [
              { source: 'shop', destination: 'backend' },
              { source: 'shop', destination: 'bad', filter: { eventType: 'order.cancelled' } },
            ],
          },
          { ADMIN_TOKEN: adminToken },
          clock,
          engine,
        );
        gw.app.dispatcher.start();
        const sends: [string, string, object][] = [
          ['shop', 'order.created', { id: 'o-1', customer: 'Fatima Khalil', note: 'مرحبا 🎉' }],
          ['shop', 'order.updated', { id: 'o-2', customer: 'Omar Saleh' }],
          ['crm', 'contact.created', { id: 'c-1', name: 'Fatima Khalil' }],
          [
            'shop',
            'order.cancelled',
            { id: 'o-3', customer: 'Lina Haddad', reason: 'NEAR "*" -x' },
          ],
        ];
        for (const [i, [source, type, payload]] of sends.entries()) {
          clock.set(testNow + i * minute);
          ids.push(
            await postWebhook(gw, source, secret, payload, {
              'x-event-type': type,
              'x-request-id': `search-req-${i}`,
            }),
          );
        }
        await gw.app.dispatcher.idle();
        await gw.app.searchIndexer.catchUp();
      });
      after(async () => {
        await receiver.close();
        await (gw as TestGateway | undefined)?.close();
      });

      const search = async (query: string) => {
        const res = await admin('GET', `/admin/events?${query}`);
        assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
        return res.json().data as {
          events: { id: string; bodyBytes: number }[];
          next: string | null;
          count: { count: number; exact: boolean };
        };
      };
      const found = async (query: string) => (await search(query)).events.map((e) => e.id);

      it('filters by every field, newest first, with a count', async () => {
        const [o1, o2, c1, o3] = ids as [string, string, string, string];
        assert.deepEqual(await found('source=shop'), [o3, o2, o1]);
        assert.deepEqual(await found('provider=generic-hmac'), [o3, c1, o2, o1]);
        assert.deepEqual(await found('type=order.created'), [o1]);
        assert.deepEqual(await found('typePrefix=order.'), [o3, o2, o1]);
        assert.deepEqual(await found('providerEventId=c-1'), [c1]);
        assert.deepEqual(await found('requestId=search-req-1'), [o2]);
        assert.deepEqual(await found('state=dead'), [o3]);
        assert.deepEqual(await found('state=delivered&source=shop'), [o3, o2, o1]);
        assert.deepEqual(await found('destination=bad'), [o3]);
        assert.deepEqual(await found('q=fatima%20khalil'), [c1, o1]);
        assert.deepEqual(await found(`q=${encodeURIComponent('مرحبا')}`), [o1]);
        const since = new Date(testNow + minute).toISOString();
        assert.deepEqual(await found(`since=${since}&until=${testNow + 3 * minute}`), [c1, o2]);
        const all = await search('source=shop&limit=2');
        assert.deepEqual(all.count, { count: 3, exact: true });
        assert.ok(all.next);
        const rest = await search(`source=shop&limit=2&before=${encodeURIComponent(all.next)}`);
        assert.deepEqual(
          rest.events.map((e) => e.id),
          [o1],
        );
        assert.equal(rest.next, null);
        assert.equal(
          all.events[0]?.bodyBytes,
          JSON.stringify({ id: 'o-3', customer: 'Lina Haddad', reason: 'NEAR "*" -x' }).length,
        );
        // Seed 003's path.
        const alias = await admin('GET', '/api/v1/webhooks/events?source=crm');
        assert.deepEqual(
          alias.json().data.events.map((e: { id: string }) => e.id),
          [c1],
        );
      });

      it('takes hostile bytes in q and filters: a 200 or a 400, never a 500', async () => {
        const queries = [
          `q=${encodeURIComponent('"')}`,
          `q=${encodeURIComponent('*')}`,
          `q=${encodeURIComponent('NEAR(fatima khalil, 2)')}`,
          `q=${encodeURIComponent('-khalil')}`,
          `q=${encodeURIComponent('fatima" OR "1"="1')}`,
          `q=${encodeURIComponent('🎉')}`,
          'q=%ED%A0%80fatima', // a lone surrogate's bytes
          'q=fatima%00khalil',
          'q=%FF%FEfatima',
          'source=%00',
          `source=${encodeURIComponent("shop'; DROP TABLE events; --")}`,
          `type=${encodeURIComponent('🎉')}`,
          'typePrefix=%25',
          'typePrefix=_',
          'requestId=%ED%A0%80',
          `destination=${encodeURIComponent('\u0000')}`,
          'before=%00',
          `before=${encodeURIComponent('1.evt_x\u0000')}`,
        ];
        for (const q of queries) {
          const res = await admin('GET', `/admin/events?${q}`);
          assert.ok([200, 400].includes(res.statusCode), `${q}: ${res.statusCode} ${res.body}`);
          if (res.statusCode === 400) assert.equal(res.json().error.code, 'INVALID_FILTER', q);
        }
        const punctuation = await found(`q=${encodeURIComponent('NEAR "*" -x')}`);
        assert.deepEqual(punctuation, [ids[3]]);
      });

      it('the background indexer makes a new event searchable by its body and request id on its own', async () => {
        gw.app.searchIndexer.start();
        try {
          const eventId = await postWebhook(
            gw,
            'crm',
            secret,
            { id: 'c-9', word: 'zanzibarquay' },
            {
              'x-event-type': 'contact.updated',
              'x-request-id': 'search-req-late',
            },
          );
          await eventually(async () => (await found('q=zanzibarquay')).includes(eventId), 10_000);
          assert.deepEqual(await found('requestId=search-req-late'), [eventId]);
        } finally {
          await gw.app.searchIndexer.stop();
        }
      });

      it('answers 400 INVALID_FILTER for a bad filter and 401 without the token', async () => {
        for (const q of [
          'colour=red',
          'state=lost',
          'q=%22%2A',
          'since=yesterday',
          'until=-5',
          'limit=0',
          'limit=501',
          'before=garbage',
          'source=',
        ]) {
          const res = await admin('GET', `/admin/events?${q}`);
          assert.equal(res.statusCode, 400, q);
          assert.equal(res.json().error.code, 'INVALID_FILTER', q);
        }
        const anonymous = await gw.app.http.inject({ method: 'GET', url: '/admin/events' });
        assert.equal(anonymous.statusCode, 401);
        assert.equal(anonymous.json().error.code, 'UNAUTHORIZED');
      });
    },
  );
}
