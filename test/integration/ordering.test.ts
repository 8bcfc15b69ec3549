import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.ts';
import { maxPlainKeyLength } from '../../src/domain/ordering-key.ts';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  type TestGateway,
} from '../helpers/gateway.ts';
import { signedJsonHeaders } from '../helpers/process.ts';
import { Receiver, type Received } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const minute = 60_000;

interface Sent {
  readonly order_id: string;
  readonly seq: number;
}

const parsed = (r: Received) => JSON.parse(r.body.toString()) as Sent;

/**
 * Ordering per key from a configuration through the ingress and a running dispatcher, on both
 * engines, with an injected clock: retries come due when the test moves it.
 */
for (const engine of testEngines) {
  describe(
    `delivery in order per key (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const receiver = new Receiver();
      const clock = new ManualClock(Date.now());
      let gw: TestGateway;

      before(async () => {
        const url = await receiver.listen();
        const retry = { schedule: ['1m'], maxAttempts: 5, jitter: 0 };
        const destination = (name: string, extra: object = {}) => ({
          name,
          url: `${url}/${name}`,
          retry,
          concurrency: 8,
          circuitBreaker: { enabled: false },
          ...extra,
        });
        gw = await startTestGateway(
          {
            admin: { token: adminToken },
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
              destination('ordered'),
              destination('strict'),
              // Ordering on the destination, with skip: every route to it is ordered.
              destination('lenient', { ordering: { key: 'json:order_id', onDead: 'skip' } }),
              destination('hostile'),
              destination('triage'),
              destination('triage-skip', { ordering: { key: 'json:order_id', onDead: 'skip' } }),
            ],
            routes: ['ordered', 'strict', 'lenient', 'hostile', 'triage', 'triage-skip'].map(
              (d) => ({
                source: 'orders',
                destination: d,
                filter: { eventType: `to.${d}` },
                ...(d === 'lenient' || d === 'triage-skip'
                  ? {}
                  : { ordering: { key: 'json:order_id' } }),
              }),
            ),
          },
          {},
          clock,
          engine,
        );
        gw.app.dispatcher.start();
      });
      after(async () => {
        await receiver.close();
        await (gw as TestGateway | undefined)?.close();
      });

      /** Posts one event and returns when it is stored (the dispatcher runs meanwhile). */
      async function send(to: string, payload: object): Promise<string> {
        const body = JSON.stringify(payload);
        const res = await gw.app.http.inject({
          method: 'POST',
          url: '/webhooks/orders',
          payload: body,
          headers: { ...signedJsonHeaders(secret, body), 'x-event-type': `to.${to}` },
        });
        assert.equal(res.statusCode, 200, res.body);
        return res.json().data.eventId as string;
      }

      /** Lets every retry come due, a minute at a time, until `done` or the rounds run out. */
      async function settle(done: () => boolean, rounds = 10): Promise<void> {
        await gw.app.dispatcher.idle();
        for (let i = 0; i < rounds && !done(); i += 1) {
          clock.advance(minute);
          gw.app.dispatcher.wake();
          await gw.app.dispatcher.idle();
        }
      }

      const admin = async (url: string, method: 'GET' | 'POST' = 'GET') => {
        const res = await gw.app.http.inject({
          method,
          url,
          headers: { authorization: `Bearer ${adminToken}` },
        });
        assert.equal(res.statusCode, 200, res.body);
        return res.json().data;
      };

      const deliveryOf = async (eventId: string, destination: string) =>
        (await gw.store.deliveryListByEvent({ eventId })).find(
          (d) => d.destination === destination,
        );

      /** Per key, the sequence numbers the receiver answered 2xx, in the order it did. */
      const deliveredByKey = (path: string, ok: (r: Received, n: number) => boolean) => {
        const out = new Map<string, number[]>();
        receiver.at(path).forEach((r, i) => {
          if (!ok(r, i)) return;
          const { order_id, seq } = parsed(r);
          out.set(order_id, [...(out.get(order_id) ?? []), seq]);
        });
        return out;
      };

      it("a receiver failing the first attempt of some events gets each key's events in order, one at a time", async () => {
        const keys = ['K0', 'K1', 'K2', 'K3', 'K4', 'K5'];
        const rounds = 6;
        const failedOnce = new Set<string>();
        const answered = new Map<number, number>();
        const inFlight = new Map<string, number>();
        let most = 0;
        receiver.on('/ordered', (r, n) => {
          const { order_id, seq } = parsed(r);
          const id = `${order_id}#${seq}`;
          const fail = (seq + Number(order_id.slice(1))) % 3 === 0 && !failedOnce.has(id);
          if (fail) failedOnce.add(id);
          const delayMs = (n * 7) % 5;
          inFlight.set(order_id, (inFlight.get(order_id) ?? 0) + 1);
          most = Math.max(most, inFlight.get(order_id) ?? 0);
          setTimeout(() => inFlight.set(order_id, (inFlight.get(order_id) ?? 1) - 1), delayMs);
          const status = fail ? 503 : 200;
          answered.set(n - 1, status);
          return { status, delayMs };
        });
        // Each key's events are sent one after another (each stored before the next is sent), the
        // keys interleaved, while the dispatcher delivers.
        for (let seq = 0; seq < rounds; seq += 1)
          for (const order_id of keys) await send('ordered', { order_id, seq });
        const delivered = () => deliveredByKey('/ordered', (_r, i) => answered.get(i) === 200);
        await settle(() => [...delivered().values()].flat().length === keys.length * rounds);

        assert.ok(failedOnce.size >= 10, `${failedOnce.size} first attempts failed`);
        const byKey = delivered();
        for (const key of keys) assert.deepEqual(byKey.get(key), [0, 1, 2, 3, 4, 5], key);
        assert.equal(most, 1, 'never two deliveries of one key in flight at once');
        // Nothing of a key reached the receiver before the previous one of it was delivered.
        const seen = new Map<string, number>();
        for (const r of receiver.at('/ordered')) {
          const { order_id, seq } = parsed(r);
          const last = seen.get(order_id) ?? -1;
          assert.ok(seq === last || seq === last + 1, `${order_id}: ${seq} after ${last}`);
          seen.set(order_id, seq);
        }
      });

      it('a dead delivery holds only its key (block) until an operator requeues it', async () => {
        let fixed = false;
        receiver.on('/strict', (r) => {
          const { order_id, seq } = parsed(r);
          return { status: order_id === 'A' && seq === 1 && !fixed ? 422 : 200 };
        });
        const ids = new Map<string, string>();
        for (let seq = 0; seq < 4; seq += 1)
          for (const order_id of ['A', 'B'])
            ids.set(`${order_id}${seq}`, await send('strict', { order_id, seq }));
        await settle(() => false, 3);
        const statuses = receiver.at('/strict').map((r) => `${parsed(r).order_id}${parsed(r).seq}`);
        // Key B went through; key A stopped at its dead letter.
        assert.deepEqual(
          statuses.filter((s) => s.startsWith('B')),
          ['B0', 'B1', 'B2', 'B3'],
        );
        assert.deepEqual(
          statuses.filter((s) => s.startsWith('A')),
          ['A0', 'A1'],
        );
        const dead = await deliveryOf(ids.get('A1') as string, 'strict');
        assert.equal(dead?.state, 'dead');
        assert.equal(dead?.keyTurn, true);
        const waiting = await deliveryOf(ids.get('A2') as string, 'strict');
        assert.equal(waiting?.state, 'queued');
        // The admin API says why it waits, and for what.
        const view = await admin(`/admin/deliveries/${waiting?.id}`);
        assert.equal(view.state, 'queued');
        assert.equal(view.hold.reason, 'ordering');
        assert.equal(view.hold.key, 'orders/A');
        assert.equal(view.hold.waitingFor.id, dead?.id);
        assert.equal(view.hold.waitingFor.state, 'dead');
        assert.equal(view.hold.queued, 2);
        const blocked = await admin('/admin/ordering/keys?destination=strict&blocked=true');
        assert.deepEqual(
          blocked.keys.map((k: { key: string; queued: number; turn: { id: string } }) => [
            k.key,
            k.queued,
            k.turn.id,
          ]),
          [['orders/A', 2, dead?.id]],
        );
        // The operator fixes the receiver and requeues the dead letter: the key goes on, in order.
        fixed = true;
        assert.deepEqual(await admin(`/admin/deliveries/${dead?.id}/retry`, 'POST'), {
          requeued: 1,
        });
        await settle(() => false, 1);
        assert.deepEqual(
          receiver
            .at('/strict')
            .map((r) => `${parsed(r).order_id}${parsed(r).seq}`)
            .filter((s) => s.startsWith('A')),
          ['A0', 'A1', 'A1', 'A2', 'A3'],
        );
        assert.deepEqual(
          (await admin('/admin/ordering/keys?destination=strict&blocked=true')).keys,
          [],
        );
      });

      it("dead-letter review keeps a key's order: a discard passes the key's turn at once, a requeue waits for it", async () => {
        const post = async (url: string) => {
          const res = await gw.app.http.inject({
            method: 'POST',
            url,
            payload: { by: 'ana', note: 'looked at it' },
            headers: { authorization: `Bearer ${adminToken}` },
          });
          assert.equal(res.statusCode, 200, res.body);
          return res.json().data;
        };
        const seqs = (path: string) => receiver.at(path).map((r) => parsed(r).seq);

        // block: T1 dies and holds key T; discarding it lets T2 go in the same transaction (no
        // wait for the ordering repair), then the rest in order.
        receiver.on('/triage', (r) => ({ status: parsed(r).seq === 1 ? 422 : 200 }));
        const t: string[] = [];
        for (let seq = 0; seq < 4; seq += 1) t.push(await send('triage', { order_id: 'T', seq }));
        await gw.app.dispatcher.idle();
        assert.deepEqual(seqs('/triage'), [0, 1]);
        const t1 = await deliveryOf(t[1] as string, 'triage');
        assert.equal((await post(`/admin/dlq/${t1?.id}/discard`)).discarded, 1);
        assert.equal((await deliveryOf(t[2] as string, 'triage'))?.state, 'pending');
        await gw.app.dispatcher.idle();
        assert.deepEqual(seqs('/triage'), [0, 1, 2, 3]);

        // skip: R1 dies and the key goes on; R2 fails and holds the turn, waiting for its retry.
        // R1's dead letter requeued meanwhile waits (queued), never sent next to R2: after R2 is
        // delivered it goes next (the key's oldest waiting), then R3.
        let fixed = false;
        receiver.on('/triage-skip', (r, n) => {
          const { seq } = parsed(r);
          return { status: seq === 1 && !fixed ? 422 : seq === 2 && n <= 3 ? 503 : 200 };
        });
        const r: string[] = [];
        for (let seq = 0; seq < 4; seq += 1)
          r.push(await send('triage-skip', { order_id: 'R', seq }));
        await gw.app.dispatcher.idle();
        assert.deepEqual(seqs('/triage-skip'), [0, 1, 2]);
        assert.equal((await deliveryOf(r[2] as string, 'triage-skip'))?.state, 'retry');
        fixed = true;
        const r1 = await deliveryOf(r[1] as string, 'triage-skip');
        const requeued = await post(`/admin/dlq/${r1?.id}/requeue`);
        assert.deepEqual([requeued.requeued, requeued.delivery.state], [1, 'queued']);
        await gw.app.dispatcher.idle();
        assert.deepEqual(seqs('/triage-skip'), [0, 1, 2]);
        await settle(() => seqs('/triage-skip').length === 6, 3);
        assert.deepEqual(seqs('/triage-skip'), [0, 1, 2, 2, 1, 3]);
      });

      it("skip: a dead delivery lets its key's next one go; it stays a dead letter", async () => {
        receiver.on('/lenient', (r) => ({ status: parsed(r).seq === 1 ? 422 : 200 }));
        const ids: string[] = [];
        for (let seq = 0; seq < 4; seq += 1)
          ids.push(await send('lenient', { order_id: 'S', seq }));
        await settle(() => false, 1);
        assert.deepEqual(
          receiver.at('/lenient').map((r) => parsed(r).seq),
          [0, 1, 2, 3],
        );
        const states = await Promise.all(
          ids.map(async (id) => (await deliveryOf(id, 'lenient'))?.state),
        );
        assert.deepEqual(states, ['delivered', 'dead', 'delivered', 'delivered']);
        const dlq = await admin('/admin/dlq?destination=lenient');
        assert.deepEqual(
          dlq.deliveries.map((d: { eventId: string }) => d.eventId),
          [ids[1]],
        );
      });

      it('hostile keys: emoji, lone surrogates, NUL, controls and huge values stay distinct, bounded and in order', async () => {
        const values = [
          '🍕 order ✓',
          '\ud800',
          '\ufffd',
          'nul\u0000byte',
          'bidi\u202eevil',
          '#sha256:looks-hashed',
          'x'.repeat(100_000),
          'x'.repeat(100_001),
        ];
        for (let seq = 0; seq < 3; seq += 1)
          for (const order_id of values) await send('hostile', { order_id, seq });
        await settle(() => false, 1);
        const byKey = deliveredByKey('/hostile', () => true);
        assert.equal(byKey.size, values.length);
        for (const value of values)
          assert.deepEqual(byKey.get(value), [0, 1, 2], JSON.stringify(value.slice(0, 20)));
        // As stored: distinct, bounded, and only the plain ones readable.
        const keys = (await admin('/admin/ordering/keys?destination=hostile&limit=500')).keys;
        assert.deepEqual(keys, []);
        const stored = new Set<string>();
        for (const d of await gw.store.deliveryList({ destination: 'hostile', limit: 500 }))
          stored.add(d.orderingKey as string);
        assert.equal(stored.size, values.length);
        for (const key of stored) {
          assert.ok(key.length <= 'orders/'.length + maxPlainKeyLength, key.slice(0, 40));
          assert.ok(key.isWellFormed() && !key.includes('\u0000'));
        }
        assert.ok(stored.has('orders/🍕 order ✓'));
        assert.ok(stored.has('orders/\ufffd'));
      });
    },
  );
}
