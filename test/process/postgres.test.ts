import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { request } from 'undici';
import { tempDir } from '../helpers/gateway.ts';
import { postgresSkipReason, postgresUrl, testSchema } from '../helpers/postgres.ts';
import { signedJsonHeaders, spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const skip = await postgresSkipReason();
const schema = testSchema();
after(() => (skip ? undefined : schema.drop()));
const secret = randomBytes(32).toString('hex');

describe('gateway on PostgreSQL', { skip }, () => {
  it('DATABASE_URL=postgres://… migrates, stores before the 200, deduplicates and delivers', async () => {
    const receiver = new Receiver();
    const url = await receiver.listen();
    const dir = tempDir();
    const file = writeConfig(dir, {
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
    try {
      const body = JSON.stringify({ order_id: 'PG-1' });
      const send = async () => {
        const res = await request(`${gateway.url}/webhooks/orders`, {
          method: 'POST',
          headers: signedJsonHeaders(secret, body),
          body,
        });
        return {
          status: res.statusCode,
          json: (await res.body.json()) as { data: { eventId: string; duplicate?: boolean } },
        };
      };
      const first = await send();
      const second = await send();
      assert.equal(first.status, 200);
      assert.equal(second.json.data.duplicate, true);
      const check = new pg.Client({
        connectionString: postgresUrl,
        options: `-c search_path=${schema.name}`,
      });
      await check.connect();
      try {
        // The receiver answers before the attempt is recorded: wait for the record, not the request.
        await eventually(async () => {
          const r = await check.query("SELECT 1 FROM deliveries WHERE state = 'delivered'");
          return r.rowCount === 1;
        }, 10_000);
        const { rows } = await check.query('SELECT provider_event_id, duplicate_count FROM events');
        assert.deepEqual(rows, [{ provider_event_id: 'PG-1', duplicate_count: 1 }]);
        assert.equal(receiver.at('/orders').length, 1);
      } finally {
        await check.end();
      }
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      await receiver.close();
    }
  });
});
