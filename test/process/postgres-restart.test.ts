import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { tempDir } from '../helpers/gateway.ts';
import { OrderLoad } from '../helpers/load.ts';
import {
  postgresSkipReason,
  postgresStart,
  postgresStop,
  postgresUrl,
  testSchema,
} from '../helpers/postgres.ts';
import { spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const skip = await postgresSkipReason();
const schema = testSchema();
after(() => (skip ? undefined : schema.drop()));
const secret = randomBytes(32).toString('hex');

/**
 * The real server is stopped under load and started again: no request may get a 200 for an
 * event that is not stored, and everything acknowledged must still be delivered afterwards.
 */
describe('PostgreSQL restarted during a load', { skip }, () => {
  it('answers 503 during the outage, resumes by itself, and delivers every 200-acknowledged event', async (t) => {
    const receiver = new Receiver();
    const url = await receiver.listen();
    const dir = tempDir();
    const file = writeConfig(dir, {
      // Short lease and poll: an attempt whose record was lost with the connection is retried soon.
      delivery: { pollInterval: '200ms', lease: '3s' },
      sources: [
        {
          name: 'orders',
          provider: 'generic-hmac',
          secrets: [secret],
          options: { eventIdPath: 'order_id' },
        },
      ],
      destinations: [{ name: 'backend', url: `${url}/orders` }],
      routes: [{ source: 'orders', destination: 'backend' }],
    });
    const gateway = await spawnGateway(file, dir, {
      DATABASE_URL: `${postgresUrl}?schema=${schema.name}`,
    });
    const ready = async () => {
      const res = await request(`${gateway.url}/health/ready`);
      await res.body.dump();
      return res.statusCode;
    };
    const load = new OrderLoad([gateway.url], secret, 'restart');
    let stopped = false;
    try {
      await eventually(() => load.acknowledged().size >= 50, 10_000);
      postgresStop();
      stopped = true;
      const outageStart = Date.now();
      await sleep(1500);
      assert.equal(await ready(), 503, '/health/ready during the outage');
      const outageEnd = Date.now();
      postgresStart();
      stopped = false;
      const duringOutage = load.sent.filter((s) => s.at > outageStart + 200 && s.at < outageEnd);
      assert.ok(duringOutage.length > 0, 'requests were sent during the outage');
      assert.deepEqual(
        [...new Set(duringOutage.map((s) => s.status))],
        [503],
        'every request during the outage is answered 503',
      );
      // Ingestion resumes by itself: new 200s after the restart.
      const before = load.acknowledged().size;
      await eventually(() => load.acknowledged().size >= before + 50, 20_000);
      assert.equal(await ready(), 200);
    } finally {
      await load.stop();
      if (stopped) postgresStart();
    }
    try {
      const statuses = new Set(load.sent.map((s) => s.status));
      for (const status of statuses) assert.ok([200, 503].includes(status), `status ${status}`);
      const acknowledged = load.acknowledged();
      const delivered = () =>
        new Set(
          receiver
            .at('/orders')
            .map((r) => (JSON.parse(r.body.toString()) as { order_id: string }).order_id),
        );
      await eventually(() => [...acknowledged].every((id) => delivered().has(id)), 30_000).catch(
        () => {
          const missing = [...acknowledged].filter((id) => !delivered().has(id));
          assert.fail(
            `${missing.length} acknowledged events never delivered: ${missing.slice(0, 5)}`,
          );
        },
      );
      assert.match(gateway.output(), /commit failed/);
      t.diagnostic(
        `${acknowledged.size} answered 200, ${load.sent.filter((s) => s.status === 503).length} answered 503, ${receiver.at('/orders').length} deliveries received`,
      );
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      await receiver.close();
    }
  });
});
