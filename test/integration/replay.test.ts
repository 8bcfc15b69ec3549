import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildApp, type HookgateApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { createLogger } from '../../src/log.ts';
import type { Delivery } from '../../src/store/store.ts';
import { adminClient, postWebhook } from '../helpers/admin.ts';
import {
  engineSkipReason,
  startTestGateway,
  tempDir,
  testEngines,
  testNow,
  type TestGateway,
} from '../helpers/gateway.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');

/**
 * Replays through the admin API: one event (to its routes as configured now, or to named ones,
 * including a destination added after it arrived), seed 003's retry of a delivered event, and
 * bulk replays as jobs (dry run, progress, pause, resume, cancel), against a real receiver.
 */
for (const engine of testEngines) {
  describe(
    `replays over the admin API (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const receiver = new Receiver();
      const clock = new ManualClock(testNow);
      let url: string;
      let gw: TestGateway;
      let later: HookgateApp | undefined;
      const admin = adminClient(() => gw, adminToken);
      const config = (extra: { destinations?: object[]; routes?: object[] } = {}) => ({
        admin: { token: '${ADMIN_TOKEN}' },
        delivery: { pollInterval: '1h' },
        replay: { rate: 10_000, batch: 2, maxWaiting: 1000, lease: '5s' },
        sources: [
          {
            name: 'shop',
            provider: 'generic-hmac',
            secrets: [secret],
            options: { eventIdPath: 'id' },
          },
        ],
        destinations: [{ name: 'backend', url: `${url}/backend` }, ...(extra.destinations ?? [])],
        routes: [{ source: 'shop', destination: 'backend' }, ...(extra.routes ?? [])],
      });

      before(async () => {
        url = await receiver.listen();
        gw = await startTestGateway(config(), { ADMIN_TOKEN: adminToken }, clock, engine);
        gw.app.dispatcher.start();
      });
      after(async () => {
        await receiver.close();
        await later?.drain();
        await (gw as TestGateway | undefined)?.close();
      });

      const send = async (id: string) => {
        const eventId = await postWebhook(gw, 'shop', secret, { id, total: '9.50' });
        await gw.app.dispatcher.idle();
        return eventId;
      };
      const keysFor = (eventId: string, path = '/backend') =>
        receiver
          .at(path)
          .filter((r) => r.headers['x-hookgate-event-id'] === eventId)
          .map((r) => String(r.headers['idempotency-key']));

      it('replays a delivered event as a new delivery with its own idempotency key; the event is unchanged', async () => {
        const eventId = await send('r-1');
        const before = (await admin('GET', `/admin/events/${eventId}`)).json().data;
        const res = await admin('POST', `/admin/events/${eventId}/replay`, {});
        assert.equal(res.statusCode, 200, res.body);
        const [made] = res.json().data.deliveries as Delivery[];
        assert.ok(made);
        assert.deepEqual(
          [made.destination, made.origin, made.state],
          ['backend', 'replay', 'pending'],
        );
        assert.equal(made.replayOf, before.deliveries[0].id);
        await gw.app.dispatcher.idle();
        assert.deepEqual(keysFor(eventId), [`${eventId}.backend`, `${eventId}.backend.${made.id}`]);
        const bodies = receiver
          .at('/backend')
          .filter((r) => r.headers['x-hookgate-event-id'] === eventId);
        assert.ok(bodies[0]?.body.equals(bodies[1]?.body as Buffer), 'the same bytes');
        const afterView = (await admin('GET', `/admin/events/${eventId}`)).json().data;
        assert.equal(afterView.body, before.body);
        assert.equal(afterView.receivedAt, before.receivedAt);
        assert.deepEqual(
          afterView.deliveries.map((d: Delivery) => [d.origin, d.state]),
          [
            ['ingest', 'delivered'],
            ['replay', 'delivered'],
          ],
        );
      });

      it('seed 003 retry of a delivered event replays it', async () => {
        const eventId = await send('r-2');
        const res = await admin('POST', `/api/v1/webhooks/events/${eventId}/retry`);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().data.requeued, 0);
        assert.equal(res.json().data.replayed, 1);
        await gw.app.dispatcher.idle();
        assert.equal(keysFor(eventId).length, 2);
      });

      it('replays to a destination added after the event arrived (routes as configured now), or named', async () => {
        const eventId = await send('r-3');
        // The same store, a newer configuration: a new destination and a route to it.
        const loaded = parseConfig(
          JSON.stringify(
            config({
              destinations: [{ name: 'warehouse', url: `${url}/warehouse` }],
              routes: [{ source: 'shop', destination: 'warehouse' }],
            }),
          ),
          { file: 'later.yaml', env: { ADMIN_TOKEN: adminToken }, dataDir: tempDir() },
        );
        later = buildApp({
          config: loaded.config,
          store: gw.store,
          clock,
          logger: createLogger('silent'),
        });
        later.dispatcher.start();
        const res = await later.http.inject({
          method: 'POST',
          url: `/admin/events/${eventId}/replay`,
          headers: { authorization: `Bearer ${adminToken}` },
          payload: {},
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(
          (res.json().data.deliveries as Delivery[])
            .map((d) => [d.destination, d.replayOf === null])
            .sort(),
          [
            ['backend', false],
            ['warehouse', true],
          ],
        );
        await later.dispatcher.idle();
        assert.equal(keysFor(eventId, '/warehouse').length, 1);
        const named = await later.http.inject({
          method: 'POST',
          url: `/admin/events/${eventId}/replay`,
          headers: { authorization: `Bearer ${adminToken}` },
          payload: { destinations: ['warehouse'] },
        });
        assert.deepEqual(
          (named.json().data.deliveries as Delivery[]).map((d) => d.destination),
          ['warehouse'],
        );
        await later.dispatcher.idle();
        assert.equal(new Set(keysFor(eventId, '/warehouse')).size, 2);
        await later.drain();
        later = undefined;
      });

      it('answers 404 for an unknown event, 400 for an unknown destination or a bad body, 401 without the token', async () => {
        const eventId = await send('r-4');
        assert.equal((await admin('POST', '/admin/events/evt_nope/replay', {})).statusCode, 404);
        const unknown = await admin('POST', `/admin/events/${eventId}/replay`, {
          destinations: ['nowhere'],
        });
        assert.equal(unknown.statusCode, 400);
        assert.match(unknown.json().error.message, /no destination named "nowhere"/);
        assert.equal(
          (await admin('POST', `/admin/events/${eventId}/replay`, { routes: 'x' })).statusCode,
          400,
        );
        for (const [method, path] of [
          ['POST', `/admin/events/${eventId}/replay`],
          ['POST', '/admin/replays'],
          ['GET', '/admin/jobs'],
          ['GET', '/admin/jobs/job_x'],
          ['POST', '/admin/jobs/job_x/pause'],
          ['POST', '/admin/jobs/job_x/resume'],
          ['POST', '/admin/jobs/job_x/cancel'],
        ] as const) {
          const res = await gw.app.http.inject({ method, url: path, payload: {} });
          assert.equal(res.statusCode, 401, path);
        }
      });

      it('plans a bulk replay (dry run), then runs it as a job with progress until every event is replayed', async () => {
        const events = [await send('b-1'), await send('b-2'), await send('b-3')];
        await gw.app.searchIndexer.catchUp();
        const plan = await admin('POST', '/admin/replays', { filter: { q: 'b 2' }, dryRun: true });
        assert.equal(plan.statusCode, 200, plan.body);
        assert.deepEqual(plan.json().data.plan.destinations, { backend: 1 });
        assert.equal(plan.json().data.plan.events, 1);
        const since = testNow;
        const dry = await admin('POST', '/admin/replays', {
          filter: { source: 'shop', since },
          dryRun: true,
        });
        const total = dry.json().data.plan.events as number;
        assert.ok(total >= 3);
        assert.equal(dry.json().data.plan.estimatedDeliveries, total);
        const created = await admin('POST', '/admin/replays', {
          filter: { source: 'shop', since },
          by: 'ana',
        });
        assert.equal(created.statusCode, 202, created.body);
        const jobId = created.json().data.jobId as string;
        gw.app.replayJobs.start();
        const done = await eventually(async () => {
          const job = (await admin('GET', `/admin/jobs/${jobId}`)).json().data;
          return job.state === 'completed' ? job : undefined;
        });
        assert.deepEqual(
          [done.done, done.total, done.failed, done.createdBy],
          [total, total, 0, 'ana'],
        );
        await gw.app.dispatcher.idle();
        const progress = (await admin('GET', `/admin/jobs/${jobId}`)).json().data;
        assert.equal(progress.deliveries.delivered, total);
        for (const eventId of events) assert.equal(new Set(keysFor(eventId)).size, 2, eventId);
        const list = (await admin('GET', '/admin/jobs')).json().data.jobs as { id: string }[];
        assert.ok(list.some((j) => j.id === jobId));
        await gw.app.replayJobs.stop();
      });

      it('pauses, resumes and cancels a job; a finished one answers 409, an unknown one 404', async () => {
        const created = await admin('POST', '/admin/replays', { filter: { source: 'shop' } });
        const jobId = created.json().data.jobId as string;
        // The runner is stopped: nothing moves the job but these calls.
        const paused = await admin('POST', `/admin/jobs/${jobId}/pause`);
        assert.equal(paused.json().data.state, 'paused');
        assert.equal((await admin('POST', `/admin/jobs/${jobId}/pause`)).statusCode, 409);
        assert.equal(
          (await admin('POST', `/admin/jobs/${jobId}/resume`)).json().data.state,
          'running',
        );
        const cancelled = await admin('POST', `/admin/jobs/${jobId}/cancel`);
        assert.equal(cancelled.json().data.state, 'cancelled');
        assert.equal(cancelled.json().data.done, 0);
        assert.equal((await admin('POST', `/admin/jobs/${jobId}/resume`)).statusCode, 409);
        assert.equal((await admin('GET', '/admin/jobs/job_nope')).statusCode, 404);
        assert.equal((await admin('POST', '/admin/jobs/job_nope/cancel')).statusCode, 404);
        for (const [method, path, body] of [
          ['POST', '/admin/replays', { filter: { state: 'lost' } }],
          ['POST', '/admin/replays', { filter: { q: '*' } }],
          ['POST', '/admin/replays', { filter: { since: 'soon' } }],
          ['GET', '/admin/jobs?limit=0'],
          ['GET', '/admin/jobs?colour=red'],
        ] as const) {
          const bad = await admin(method, path, body);
          assert.equal(bad.statusCode, 400, path);
          assert.equal(bad.json().error.code, 'INVALID_FILTER', path);
        }
        const notBoolean = await admin('POST', '/admin/replays', { filter: {}, dryRun: 'yes' });
        assert.equal(notBoolean.statusCode, 400);
        const surrogate = await admin('POST', '/admin/replays', {
          filter: { source: '\ud800', q: '\ud800 🎉 x' },
          dryRun: true,
        });
        assert.equal(surrogate.statusCode, 200, surrogate.body);
        assert.equal(surrogate.json().data.plan.events, 0);
      });
    },
  );
}
