import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { EventFeed } from '../../src/admin/event-feed.ts';
import { newId } from '../../src/domain/ids.ts';
import { makeEvent } from '../contract/make-event.ts';
import { adminClient, postWebhook } from '../helpers/admin.ts';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  type TestGateway,
} from '../helpers/gateway.ts';
import { eventually } from '../helpers/receiver.ts';
import { openSse, type SseConnection } from '../helpers/sse.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const auth = { authorization: `Bearer ${adminToken}` };

/**
 * GET /admin/events/stream over a real HTTP connection: the frames, the source filter, resuming
 * with Last-Event-ID and ?after= (no gap, no repeat), an event committed late (another instance's)
 * still sent once without moving the resume position back, hostile values inside the JSON, pings,
 * auth, and a client that hangs up freeing its stream.
 */
for (const engine of testEngines) {
  describe(`the live event stream (${engine})`, { skip: await engineSkipReason(engine) }, () => {
    let gw: TestGateway;
    let base: string;
    const open: SseConnection[] = [];
    const admin = adminClient(() => gw, adminToken);
    const connect = async (query = '', headers: Record<string, string> = {}) => {
      const c = await openSse(`${base}/admin/events/stream${query}`, { ...auth, ...headers });
      open.push(c);
      return c;
    };
    const ids = (c: SseConnection) =>
      c.messages.map((m) => (JSON.parse(m.data) as { id: string }).id);

    before(async () => {
      gw = await startTestGateway(
        {
          admin: { token: '${ADMIN_TOKEN}', stream: { ping: '50ms', poll: '20ms', settle: 0 } },
          delivery: { enabled: false },
          sources: [
            { name: 'shop', provider: 'generic-hmac', secrets: [secret] },
            { name: 'crm', provider: 'generic-hmac', secrets: [secret] },
          ],
          destinations: [],
          routes: [],
        },
        { ADMIN_TOKEN: adminToken },
        undefined,
        engine,
      );
      base = await gw.app.http.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      for (const c of open) c.close();
      await gw.close();
    });

    it('refuses a request without the admin token', async () => {
      const c = await openSse(`${base}/admin/events/stream`);
      assert.equal(c.status, 401);
      await c.ended;
    });

    it('refuses a Last-Event-ID that is not a stream position', async () => {
      for (const bad of ['nope', 'evt_zz', `evt_${'0'.repeat(31)}\u0000`]) {
        const res = await gw.app.http.inject({
          url: '/admin/events/stream',
          headers: { ...auth, 'last-event-id': bad },
        });
        assert.equal(res.statusCode, 400, bad);
        assert.equal((res.json() as { error: { code: string } }).error.code, 'INVALID_FILTER');
      }
    });

    it('sends arriving events of the source asked for, framed as the search lists them', async () => {
      const c = await connect('?source=shop');
      assert.equal(c.status, 200);
      assert.match(String(c.headers['content-type']), /^text\/event-stream/);
      await eventually(() => c.comments.includes('connected'));
      const first = await postWebhook(gw, 'shop', secret, { n: 1 });
      await postWebhook(gw, 'crm', secret, { n: 2 });
      const third = await postWebhook(gw, 'shop', secret, { n: 3 });
      await eventually(() => c.messages.length >= 2);
      assert.deepEqual(ids(c), [first, third]);
      for (const m of c.messages) {
        assert.equal(m.event, 'event');
        assert.equal(m.id, (JSON.parse(m.data) as { id: string }).id);
      }
      const listed = (await admin('GET', '/admin/events?source=shop&limit=10')).json() as {
        data: { events: object[] };
      };
      assert.deepEqual(
        c.messages.map((m) => JSON.parse(m.data) as object),
        [...listed.data.events].reverse(),
      );
      // Pings keep the connection alive between events.
      await eventually(() => c.comments.includes('ping'));
    });

    it('resumes after Last-Event-ID or ?after=: every later event once, then live ones', async () => {
      const sent = [];
      const run = randomBytes(4).toString('hex');
      for (let n = 0; n < 4; n++) sent.push(await postWebhook(gw, 'crm', secret, { run, n }));
      const byHeader = await connect('?source=crm', { 'last-event-id': sent[1] as string });
      const byQuery = await connect(`?source=crm&after=${sent[1]}`);
      await eventually(() => byHeader.messages.length >= 2 && byQuery.messages.length >= 2);
      const live = await postWebhook(gw, 'crm', secret, { run, n: 'live' });
      await eventually(() => byHeader.messages.length >= 3 && byQuery.messages.length >= 3);
      assert.deepEqual(ids(byHeader), [sent[2], sent[3], live]);
      assert.deepEqual(ids(byQuery), [sent[2], sent[3], live]);
    });

    it('sends an event committed late (a smaller id) once, without moving the position back', async () => {
      const c = await connect('?source=late');
      await eventually(() => c.comments.includes('connected'));
      // Another instance made `early`'s id first but commits it after `later` is streamed.
      const early = makeEvent({ id: newId('evt'), source: 'late', dedupeKey: null });
      const later = makeEvent({ id: newId('evt'), source: 'late', dedupeKey: null });
      await gw.store.eventInsertBatch({ events: [later] });
      await eventually(() => c.messages.length >= 1);
      await gw.store.eventInsertBatch({ events: [early] });
      await eventually(() => c.messages.length >= 2);
      assert.deepEqual(ids(c), [later.id, early.id]);
      // Its id: line is the position (`later`), so a resume from it repeats neither.
      assert.deepEqual(
        c.messages.map((m) => m.id),
        [later.id, later.id],
      );
      const resumed = await connect('?source=late', { 'last-event-id': later.id });
      const next = makeEvent({ id: newId('evt'), source: 'late', dedupeKey: null });
      await gw.store.eventInsertBatch({ events: [next] });
      await eventually(() => resumed.messages.length >= 1 && c.messages.length >= 3);
      assert.deepEqual(ids(resumed), [next.id]);
      assert.deepEqual(ids(c), [later.id, early.id, next.id]);
    });

    it('reads a long way behind in bounded steps, then says it has caught up', async () => {
      const events = Array.from({ length: 12 }, () =>
        makeEvent({ id: newId('evt'), source: 'backlog', dedupeKey: null }),
      );
      await gw.store.eventInsertBatch({ events });
      const feed = new EventFeed({
        store: gw.store,
        source: 'backlog',
        visible: () => true,
        after: events[0]?.id,
        settleMs: 0,
        overlapMs: 10_000,
        batch: 2,
        maxPerRead: 5,
      });
      const steps: number[] = [];
      const read: string[] = [];
      do {
        const items = await feed.read();
        steps.push(items.length);
        read.push(...items.map((i) => i.event.id));
      } while (feed.behind);
      assert.deepEqual(
        read,
        events.slice(1).map((e) => e.id),
      );
      assert.ok(steps.every((n) => n <= 6) && steps.length >= 2, String(steps));
    });

    it('keeps hostile values inside the JSON: no frame is broken', async () => {
      const c = await connect('?source=hostile');
      await eventually(() => c.comments.includes('connected'));
      const nasty = 'a\nid: evt_forged\n\ndata: x\r\u0000\ud800 🎉 \u2028\u001b[31m';
      const e = makeEvent({
        source: 'hostile',
        dedupeKey: null,
        eventType: nasty,
        headers: { 'x-nasty': nasty },
      });
      // PostgreSQL's text and json refuse NUL and lone surrogates (HTTP headers cannot carry
      // them either): what a gateway on PostgreSQL stores is without them.
      const stored =
        engine === 'postgres' ? nasty.replaceAll('\u0000', '').replaceAll('\ud800', '') : nasty;
      await gw.store.eventInsertBatch({
        events: [{ ...e, eventType: stored, headers: { 'x-nasty': stored } }],
      });
      await eventually(() => c.messages.length >= 1);
      assert.equal(c.messages.length, 1);
      const data = JSON.parse(c.messages[0]?.data ?? '') as {
        id: string;
        eventType: string;
        headers: Record<string, string>;
      };
      assert.equal(data.id, e.id);
      assert.equal(c.messages[0]?.id, e.id);
      // Stored text never holds NUL or a lone surrogate: both read back as U+FFFD.
      assert.equal(data.eventType, stored.replace('\u0000', '\ufffd').replace('\ud800', '\ufffd'));
      assert.ok(!c.raw.join('').includes('evt_forged\n'));
    });

    it('frees the stream when the client hangs up', async () => {
      const before = gw.app.eventStreams.size;
      const c = await connect();
      await eventually(() => gw.app.eventStreams.size === before + 1);
      c.close();
      await c.ended;
      await eventually(() => gw.app.eventStreams.size === before);
    });
  });
}
