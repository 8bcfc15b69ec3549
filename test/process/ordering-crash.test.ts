import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { engineSkipReason, tempDir, testEngines } from '../helpers/gateway.ts';
import { assertKeyOrder, KeyedLoad, keyedBody } from '../helpers/keyed-load.ts';
import { postgresUrl, testSchema } from '../helpers/postgres.ts';
import { spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');

for (const engine of testEngines) {
  const schema = engine === 'postgres' ? testSchema() : undefined;
  after(() => schema?.drop());

  describe(`ordering across a crash (${engine})`, { skip: await engineSkipReason(engine) }, () => {
    it('kill -9 with deliveries in flight and keys queued, restart: every key in order', async () => {
      const receiver = new Receiver();
      const answered: number[] = [];
      const inFlight = new Map<string, number>();
      let most = 0;
      // Slow answers keep deliveries in flight when the process dies; one in five fails first.
      receiver.on('/orders', (r, n) => {
        const key = keyedBody(r).order_id;
        const now = (inFlight.get(key) ?? 0) + 1;
        inFlight.set(key, now);
        most = Math.max(most, now);
        answered[n - 1] = n % 5 === 0 ? 503 : 200;
        return {
          status: answered[n - 1] as number,
          delayMs: 20,
          onSent: () => inFlight.set(key, (inFlight.get(key) ?? 1) - 1),
        };
      });
      const url = await receiver.listen();
      try {
        const dir = tempDir();
        const file = writeConfig(dir, {
          storage: {
            url: schema
              ? `${postgresUrl}?schema=${schema.name}`
              : `sqlite:${join(dir, 'hookgate.db')}`,
          },
          // Leases run out soon after the crash, so the restarted gateway takes the deliveries over.
          delivery: { lease: '1500ms', pollInterval: '200ms', concurrency: 8 },
          sources: [{ name: 'orders', provider: 'generic-hmac', secrets: [secret] }],
          destinations: [
            {
              name: 'backend',
              url: `${url}/orders`,
              retry: { schedule: ['100ms'], maxAttempts: 20, jitter: 0 },
              circuitBreaker: { enabled: false },
              ordering: { key: 'json:order_id' },
            },
          ],
          routes: [{ source: 'orders', destination: 'backend' }],
        });
        let gateway = await spawnGateway(file, dir);
        const load = new KeyedLoad([gateway.url], secret, 'crash', 12);
        await eventually(() => load.count >= 150, 20_000);
        await load.stop();
        await eventually(() => receiver.received.length >= 40, 10_000);
        gateway.child.kill('SIGKILL');
        await gateway.exited;
        const delivered = () => answered.filter((s) => s === 200).length;
        assert.ok(delivered() < load.count, 'the crash left deliveries to do');
        // What the dead process had in flight is answered into the void before the restart.
        await eventually(() => [...inFlight.values()].every((v) => v === 0), 5_000);

        gateway = await spawnGateway(file, dir);
        try {
          // Every acknowledged event is delivered (repeats of what was in flight are allowed).
          await eventually(() => {
            const got = new Set(
              receiver.received
                .filter((_r, i) => answered[i] === 200)
                .map((r) => `${keyedBody(r).order_id}#${keyedBody(r).seq}`),
            );
            return [...load.acked].every(([key, seqs]) =>
              seqs.every((s) => got.has(`${key}#${s}`)),
            );
          }, 30_000);
        } finally {
          gateway.child.kill('SIGTERM');
        }
        assert.equal(await gateway.exited, 0);
        assertKeyOrder(receiver.at('/orders'), load.acked, (_r, i) => answered[i] === 200);
        assert.equal(most, 1, 'two deliveries of one key were in flight at once');
      } finally {
        await receiver.close();
      }
    });
  });
}
