import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { request } from 'undici';
import { engineSkipReason, storageUrl, tempDir, testEngines } from '../helpers/gateway.ts';
import { testSchema } from '../helpers/postgres.ts';
import {
  adminCall,
  signedJsonHeaders,
  spawnGateway,
  writeConfig,
  type GatewayProcess,
} from '../helpers/process.ts';
import { eventually, Receiver, type Received } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const keys = ['ord-a', 'ord-b', 'ord-c', 'ord-d'];
const perKey = 6;

interface Answer {
  data: { jobId?: string; state?: string; deliveries?: { state: string }[] };
}
const call = (gateway: GatewayProcess, method: 'GET' | 'POST', path: string, body?: object) =>
  adminCall<Answer>(gateway, adminToken, method, path, body);

const parse = (r: Received) => JSON.parse(r.body.toString()) as { order: string; step: number };
/** A replay's idempotency key is `<event id>.<destination>.<its id>`. */
const isReplay = (r: Received) => String(r.headers['idempotency-key']).split('.').length === 3;

/**
 * Replays on an ordered route, as an operator meets them: YAML config, signed webhooks, the admin
 * API, a real receiver. A bulk replay of several events of one key delivers them in the order
 * they arrived (the job walks oldest first and stores each key's replays through the ordered
 * path), and a replay never goes out while another delivery of its key is in flight.
 */
for (const engine of testEngines) {
  describe(
    `replays on an ordered route (${engine}, real gateway process)`,
    {
      skip: await engineSkipReason(engine),
    },
    () => {
      const schema = engine === 'postgres' ? testSchema() : undefined;
      after(() => schema?.drop());

      it("a bulk replay arrives in each key's original order, one at a time per key; a single replay waits for its key's delivery in flight", async () => {
        const receiver = new Receiver();
        const url = await receiver.listen();
        // Deliveries of a key in flight at the receiver right now, and the most ever seen.
        const inFlight = new Map<string, number>();
        let overlap = 0;
        let slow: string | undefined;
        receiver.on('/backend', (got) => {
          const { order, step } = parse(got);
          const now = (inFlight.get(order) ?? 0) + 1;
          inFlight.set(order, now);
          overlap = Math.max(overlap, now);
          return {
            status: 200,
            delayMs: `${order}/${step}` === slow ? 1500 : 20,
            onSent: () => inFlight.set(order, (inFlight.get(order) ?? 1) - 1),
          };
        });
        const dir = tempDir();
        const file = writeConfig(dir, {
          storage: { url: storageUrl(schema, dir) },
          admin: { token: '${ADMIN_TOKEN}' },
          delivery: { pollInterval: '200ms', concurrency: 16 },
          // Small steps: a key's replays span several steps of the job.
          replay: { rate: 1000, batch: 5 },
          sources: [
            {
              name: 'shop',
              provider: 'generic-hmac',
              secrets: [secret],
              options: { eventIdPath: 'id' },
            },
          ],
          destinations: [
            {
              name: 'backend',
              url: `${url}/backend`,
              concurrency: 8,
              ordering: { key: 'json:order' },
            },
          ],
          routes: [{ source: 'shop', destination: 'backend' }],
        });
        const gateway = await spawnGateway(file, dir, { ADMIN_TOKEN: adminToken });
        try {
          const post = async (order: string, step: number) => {
            const body = JSON.stringify({
              id: `${order}-${step}-${randomBytes(3).toString('hex')}`,
              order,
              step,
            });
            const res = await request(`${gateway.url}/webhooks/shop`, {
              method: 'POST',
              headers: signedJsonHeaders(secret, body),
              body,
            });
            const json = (await res.body.json()) as { data: { eventId: string } };
            assert.equal(res.statusCode, 200, JSON.stringify(json));
            return json.data.eventId;
          };
          // The keys' events interleaved, each key's steps in order.
          const ids = new Map<string, string>();
          for (let step = 0; step < perKey; step++)
            for (const order of keys) ids.set(`${order}/${step}`, await post(order, step));
          const total = keys.length * perKey;
          await eventually(() => receiver.at('/backend').length === total, 20_000);

          const created = await call(gateway, 'POST', '/admin/replays', {
            filter: { source: 'shop' },
          });
          assert.equal(created.status, 202, JSON.stringify(created.json));
          const jobId = String(created.json.data.jobId);
          await eventually(async () => {
            const job = (await call(gateway, 'GET', `/admin/jobs/${jobId}`)).json.data;
            return job.state === 'completed';
          }, 20_000);
          await eventually(() => receiver.at('/backend').filter(isReplay).length === total, 20_000);
          const replayed = receiver.at('/backend').filter(isReplay).map(parse);
          for (const order of keys)
            assert.deepEqual(
              replayed.filter((r) => r.order === order).map((r) => r.step),
              [0, 1, 2, 3, 4, 5],
              `the replays of ${order}, as they arrived`,
            );
          assert.equal(overlap, 1, 'never two deliveries of one key at the receiver at once');

          // A new event of ord-a is slow at the receiver; a replay of an older event of the key,
          // asked for while it is in flight, waits for it.
          slow = 'ord-a/6';
          const before = receiver.at('/backend').length;
          await post('ord-a', 6);
          await eventually(() => (inFlight.get('ord-a') ?? 0) === 1, 10_000);
          const single = await call(
            gateway,
            'POST',
            `/admin/events/${ids.get('ord-a/2')}/replay`,
            {},
          );
          assert.equal(single.status, 200, JSON.stringify(single.json));
          assert.deepEqual(
            single.json.data.deliveries?.map((d) => d.state),
            ['queued'],
          );
          await eventually(() => receiver.at('/backend').length === before + 2, 10_000);
          assert.deepEqual(
            receiver
              .at('/backend')
              .slice(before)
              .map((r) => parse(r).step),
            [6, 2],
          );
          assert.equal(overlap, 1, 'the replay waited for the delivery in flight');
        } finally {
          gateway.child.kill('SIGTERM');
          await gateway.exited;
          await receiver.close();
        }
      });
    },
  );
}
