import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { request } from 'undici';
import { engineSkipReason, tempDir, testEngines } from '../helpers/gateway.ts';
import { postgresUrl, testSchema } from '../helpers/postgres.ts';
import {
  adminCall,
  signedJsonHeaders,
  spawnGateway,
  writeConfig,
  type GatewayProcess,
} from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const events = 3000;
const targets = ['backend', 'audit'];

const call = (gateway: GatewayProcess, method: 'GET' | 'POST', path: string, body?: object) =>
  adminCall(gateway, adminToken, method, path, body);

/**
 * A bulk replay of thousands of events, the gateway killed with SIGKILL in the middle of it,
 * restarted: the job resumes from its state in the store and every event is replayed exactly
 * once per target (one replay idempotency key per event and destination at a real receiver).
 */
for (const engine of testEngines) {
  describe(
    `bulk replay across a crash (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const schema = engine === 'postgres' ? testSchema() : undefined;
      after(() => schema?.drop());

      it('kill -9 mid-job, restart: the job finishes and each event is replayed once per target', async () => {
        const receiver = new Receiver();
        const url = await receiver.listen();
        const dir = tempDir();
        const file = writeConfig(dir, {
          storage: {
            url: schema
              ? `${postgresUrl}?schema=${schema.name}`
              : `sqlite:${join(dir, 'hookgate.db')}`,
          },
          admin: { token: '${ADMIN_TOKEN}' },
          delivery: { lease: '2s', pollInterval: '200ms', concurrency: 32 },
          // 500 events a second: the job takes about 6 s, so the kill lands in its middle.
          replay: { rate: 500, batch: 100, maxWaiting: 5000, lease: '2s' },
          sources: [
            {
              name: 'shop',
              provider: 'generic-hmac',
              secrets: [secret],
              options: { eventIdPath: 'id' },
            },
          ],
          destinations: targets.map((name) => ({ name, url: `${url}/${name}`, concurrency: 16 })),
          routes: [{ source: 'shop', destination: 'backend' }],
        });
        const env = { ADMIN_TOKEN: adminToken };
        let gateway = await spawnGateway(file, dir, env);
        try {
          const acked: string[] = [];
          const post = async (i: number) => {
            const body = JSON.stringify({ id: `e-${i}`, pad: 'x'.repeat(100) });
            const res = await request(`${gateway.url}/webhooks/shop`, {
              method: 'POST',
              headers: signedJsonHeaders(secret, body),
              body,
            });
            const json = (await res.body.json()) as { data?: { eventId: string } };
            if (res.statusCode === 200 && json.data) acked.push(json.data.eventId);
          };
          for (let i = 0; i < events; i += 50)
            await Promise.all(Array.from({ length: 50 }, (_, k) => post(i + k)));
          assert.equal(acked.length, events);
          await eventually(() => receiver.at('/backend').length >= events, 30_000);

          const created = await call(gateway, 'POST', '/admin/replays', {
            filter: { source: 'shop' },
            destinations: targets,
          });
          assert.equal(created.status, 202, JSON.stringify(created.json));
          const jobId = created.json.data.jobId as string;
          const progress = async () =>
            (await call(gateway, 'GET', `/admin/jobs/${jobId}`)).json.data as {
              state: string;
              done: number;
              total: number;
            };
          await eventually(async () => (await progress()).done >= 600, 20_000);
          gateway.child.kill('SIGKILL');
          await gateway.exited;
          const replayedBefore = receiver.received.filter(
            (r) => String(r.headers['idempotency-key']).split('.').length === 3,
          ).length;

          gateway = await spawnGateway(file, dir, env);
          const before = await progress();
          assert.ok(
            before.state === 'running' && before.done < events,
            `mid-job at the kill: ${JSON.stringify(before)}`,
          );
          const finished = await eventually(async () => {
            const p = await progress();
            return p.state === 'completed' ? p : undefined;
          }, 60_000);
          assert.deepEqual([finished.done, finished.total], [events, events]);

          // Every replay delivered: one key per event and target, never a second one.
          const replayKeys = () => {
            const keys = new Map<string, Set<string>>();
            for (const r of receiver.received) {
              const key = String(r.headers['idempotency-key']);
              const [eventId, destination, replay] = key.split('.');
              if (replay === undefined) continue;
              const at = `${eventId}.${destination}`;
              assert.equal(r.path, `/${destination}`);
              keys.set(at, (keys.get(at) ?? new Set()).add(key));
            }
            return keys;
          };
          await eventually(() => replayKeys().size === events * targets.length, 60_000);
          const keys = replayKeys();
          for (const eventId of acked)
            for (const destination of targets) {
              const set = keys.get(`${eventId}.${destination}`);
              assert.equal(
                set?.size,
                1,
                `${eventId} to ${destination}: ${[...(set ?? [])].join(', ')}`,
              );
            }
          const job = (await call(gateway, 'GET', `/admin/jobs/${jobId}`)).json.data as {
            deliveries: Record<string, number>;
          };
          assert.equal(job.deliveries.delivered, events * targets.length);
          assert.ok(replayedBefore > 0, 'some replays were delivered before the kill');
        } finally {
          gateway.child.kill('SIGTERM');
          await gateway.exited;
          await receiver.close();
        }
      });
    },
  );
}
