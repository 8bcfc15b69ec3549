import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { tempDir } from '../helpers/gateway.ts';
import { signedJsonHeaders, spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');

describe('delivery across a crash', () => {
  it('kill -9 while deliveries are in flight, restart: every event is delivered, repeats carry the same Idempotency-Key', async () => {
    const receiver = new Receiver();
    // Slow answers keep deliveries in flight when the process dies.
    receiver.on('/orders', () => ({ status: 200, delayMs: 25 }));
    const url = await receiver.listen();
    try {
      const dir = tempDir();
      const file = writeConfig(dir, {
        storage: { url: `sqlite:${join(dir, 'hookgate.db')}` },
        delivery: { lease: '1500ms', pollInterval: '200ms', concurrency: 8 },
        sources: [{ name: 'orders', provider: 'generic-hmac', secrets: [secret] }],
        destinations: [{ name: 'backend', url: `${url}/orders`, concurrency: 8 }],
        routes: [{ source: 'orders', destination: 'backend' }],
      });
      let gateway = await spawnGateway(file, dir);
      const acked: string[] = [];
      const post = async (i: number) => {
        const body = JSON.stringify({ order_id: `O-${i}`, pad: 'x'.repeat(200) });
        const res = await request(`${gateway.url}/webhooks/orders`, {
          method: 'POST',
          headers: signedJsonHeaders(secret, body),
          body,
        });
        const json = (await res.body.json()) as { data?: { eventId: string } };
        if (res.statusCode === 200 && json.data) acked.push(json.data.eventId);
      };
      for (let i = 0; i < 300; i += 20)
        await Promise.all(Array.from({ length: 20 }, (_, k) => post(i + k)));
      await eventually(() => receiver.received.length >= 30, 10_000);
      gateway.child.kill('SIGKILL');
      await gateway.exited;
      const beforeCrash = receiver.received.length;
      assert.ok(beforeCrash < acked.length, 'the crash happened with deliveries still to do');

      gateway = await spawnGateway(file, dir);
      const delivered = () =>
        new Set(receiver.received.map((r) => String(r.headers['x-hookgate-event-id'])));
      try {
        await eventually(() => acked.every((id) => delivered().has(id)), 20_000);
      } finally {
        // Even when the check fails: a gateway left running would outlive the test run.
        gateway.child.kill('SIGTERM');
      }
      assert.equal(await gateway.exited, 0);

      assert.equal(acked.length, 300);
      const keys = new Map<string, Set<string>>();
      for (const r of receiver.received) {
        const id = String(r.headers['x-hookgate-event-id']);
        keys.set(id, (keys.get(id) ?? new Set()).add(String(r.headers['idempotency-key'])));
      }
      for (const [id, set] of keys) assert.deepEqual([...set], [`${id}.backend`]);
    } finally {
      await receiver.close();
    }
  });
});
