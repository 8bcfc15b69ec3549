import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { contentSecurityPolicy } from '../../src/dashboard/routes.ts';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  testNow,
  type TestGateway,
} from '../helpers/gateway.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { signedJsonHeaders } from '../helpers/process.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');

const config = (url: string, admin: object = { token: '${ADMIN_TOKEN}' }) => ({
  admin,
  delivery: { pollInterval: '1h' },
  metrics: { queueCacheTtl: 0 },
  sources: [
    {
      name: 'shop',
      provider: 'generic-hmac',
      secrets: [secret],
      options: { eventTypePath: 'type' },
    },
    { name: 'quiet', provider: 'none' },
  ],
  destinations: [
    { name: 'backend', url: `${url}/ok` },
    { name: 'erp', url: `${url}/gone`, retry: { maxAttempts: 1 } },
  ],
  routes: [
    { source: 'shop', destination: 'backend' },
    { source: 'shop', destination: 'erp' },
  ],
});

for (const engine of testEngines) {
  describe(
    `the dashboard over HTTP: its files, headers and the admin routes it reads (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const receiver = new Receiver();
      let gw: TestGateway;
      const get = (url: string, headers: Record<string, string> = {}) =>
        gw.app.http.inject({ url, headers });
      const data = async (url: string) => {
        const res = await get(url, { authorization: `Bearer ${adminToken}` });
        assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
        return res.json().data;
      };

      before(async () => {
        const url = await receiver.listen();
        receiver.on('/gone', () => ({ status: 422 }));
        gw = await startTestGateway(
          config(url),
          { ADMIN_TOKEN: adminToken },
          new ManualClock(testNow),
          engine,
        );
        gw.app.dispatcher.start();
        for (const body of ['{"type":"a"}', '{"type":"b"}']) {
          const res = await gw.app.http.inject({
            method: 'POST',
            url: '/webhooks/shop',
            payload: body,
            headers: signedJsonHeaders(secret, body),
          });
          assert.equal(res.statusCode, 200);
        }
        const bad = await gw.app.http.inject({
          method: 'POST',
          url: '/webhooks/shop',
          payload: '{}',
          headers: { 'content-type': 'application/json', 'x-signature': '00' },
        });
        assert.equal(bad.statusCode, 401);
        await gw.app.dispatcher.idle();
      });
      after(async () => {
        await gw.close();
        await receiver.close();
      });

      it('serves the page at /dashboard and at each page path, with the CSP and security headers', async () => {
        for (const path of [
          '/dashboard',
          '/dashboard/',
          '/dashboard/events',
          '/dashboard/events/evt_x',
          '/dashboard/tail',
        ]) {
          const res = await get(path);
          assert.equal(res.statusCode, 200, path);
          assert.match(String(res.headers['content-type']), /^text\/html/);
          assert.match(res.body, /<script type="module" src="\/dashboard\/assets\/js\/main.js">/);
          assert.equal(res.headers['content-security-policy'], contentSecurityPolicy);
          assert.equal(res.headers['x-content-type-options'], 'nosniff');
          assert.equal(res.headers['referrer-policy'], 'no-referrer');
          assert.equal(res.headers['x-frame-options'], 'DENY');
        }
        assert.match(contentSecurityPolicy, /default-src 'self'/);
        assert.match(contentSecurityPolicy, /frame-ancestors 'none'/);
        assert.doesNotMatch(contentSecurityPolicy, /unsafe-inline|unsafe-eval/);
        // No inline script or style in the page itself.
        const page = (await get('/dashboard')).body;
        assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>|<style|style=/);
      });

      it('serves its assets by exact name only (with an ETag); anything else is a 404 with the headers', async () => {
        const js = await get('/dashboard/assets/js/main.js');
        assert.equal(js.statusCode, 200);
        assert.match(String(js.headers['content-type']), /^text\/javascript/);
        const again = await get('/dashboard/assets/js/main.js', {
          'if-none-match': String(js.headers.etag),
        });
        assert.equal(again.statusCode, 304);
        assert.equal((await get('/dashboard/assets/style.css')).statusCode, 200);
        for (const path of [
          '/dashboard/assets/../../package.json',
          '/dashboard/assets/%2e%2e/%2e%2e/package.json',
          '/dashboard/assets/..%2f..%2fpackage.json',
          '/dashboard/assets/index.html',
          '/dashboard/assets/nope.js',
          '/dashboard/nope',
        ]) {
          const res = await get(path);
          assert.equal(res.statusCode, 404, path);
          assert.doesNotMatch(res.body, /"name": "hookgate"/);
        }
        assert.equal(
          (await get('/dashboard/nope')).headers['content-security-policy'],
          contentSecurityPolicy,
        );
      });

      it('the admin routes it reads answer 401 without the token', async () => {
        for (const path of [
          '/admin/queue',
          '/admin/timeline',
          '/admin/sources',
          '/admin/dlq/plan',
        ]) {
          assert.equal((await get(path)).statusCode, 401, path);
          assert.equal((await get(path, { authorization: 'Bearer wrong' })).statusCode, 401, path);
        }
      });

      it('GET /admin/queue: deliveries by state, and each destination’s depth, lag and pause', async () => {
        const q = await data('/admin/queue');
        assert.equal(q.byState.delivered, 2);
        assert.equal(q.byState.dead, 2);
        const erp = q.destinations.find((d: { name: string }) => d.name === 'erp');
        assert.deepEqual(erp, {
          name: 'erp',
          paused: false,
          depth: { pending: 0, queued: 0, retry: 0, held: 0, quarantined: 0, dead: 2 },
          oldestDueAt: null,
          lagSeconds: 0,
        });
      });

      it('GET /admin/timeline: ingest and attempts in ten-second buckets', async () => {
        const t = await data('/admin/timeline?minutes=5');
        assert.equal(t.bucketMs, 10_000);
        const sum = (pick: (b: Record<string, Record<string, Record<string, number>>>) => number) =>
          t.buckets.reduce((n: number, b: never) => n + pick(b), 0);
        assert.equal(
          sum((b) => b.ingest?.shop?.accepted ?? 0),
          2,
        );
        assert.equal(
          sum((b) => b.ingest?.shop?.rejected ?? 0),
          1,
        );
        assert.equal(
          sum((b) => b.attempts?.backend?.delivered ?? 0),
          2,
        );
        assert.equal(
          sum((b) => b.attempts?.erp?.failed ?? 0),
          2,
        );
        assert.equal(
          (await get('/admin/timeline?minutes=61', { authorization: `Bearer ${adminToken}` }))
            .statusCode,
          400,
        );
      });

      it('GET /admin/sources: every source with what it accepted and rejected', async () => {
        const v = await data('/admin/sources');
        assert.deepEqual(
          v.sources.map((s: { name: string; recent: { accepted: number; rejected: number } }) => [
            s.name,
            s.recent.accepted,
            s.recent.rejected,
          ]),
          [
            ['shop', 2, 1],
            ['quiet', 0, 0],
          ],
        );
        assert.deepEqual(v.sources[0].lastHour.byResult, { accepted: 2, invalid_signature: 1 });
      });

      it('GET /admin/dlq/plan: what a bulk action by this filter would touch, before doing it', async () => {
        assert.deepEqual(await data('/admin/dlq/plan?destination=erp'), {
          count: 2,
          exact: true,
          byDestination: { erp: 2 },
          byReview: { failed: 2 },
        });
        assert.deepEqual(await data('/admin/dlq/plan?destination=backend'), {
          count: 0,
          exact: true,
          byDestination: {},
          byReview: {},
        });
        const bad = await get('/admin/dlq/plan?colour=red', {
          authorization: `Bearer ${adminToken}`,
        });
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().error.code, 'INVALID_FILTER');
      });

      it('no dashboard without the admin API, nor with admin.dashboard: false', async () => {
        const cases: [object, Record<string, string>][] = [
          [{}, {}],
          [{ token: '${ADMIN_TOKEN}', dashboard: false }, { ADMIN_TOKEN: adminToken }],
        ];
        for (const [admin, env] of cases) {
          const other = await startTestGateway(
            config('http://127.0.0.1:9', admin),
            env,
            new ManualClock(testNow),
            engine,
          );
          try {
            assert.equal((await other.app.http.inject({ url: '/dashboard' })).statusCode, 404);
            assert.equal(
              (await other.app.http.inject({ url: '/dashboard/assets/js/main.js' })).statusCode,
              404,
            );
          } finally {
            await other.close();
          }
        }
      });
    },
  );
}
