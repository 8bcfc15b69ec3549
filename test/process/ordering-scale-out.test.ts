import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import YAML from 'yaml';
import { tempDir } from '../helpers/gateway.ts';
import { assertKeyOrder, KeyedLoad, keyedBody } from '../helpers/keyed-load.ts';
import { postgresSkipReason, postgresUrl, testSchema } from '../helpers/postgres.ts';
import { spawnGateway } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const skip = await postgresSkipReason();
const schema = testSchema();
after(() => (skip ? undefined : schema.drop()));
const secret = randomBytes(32).toString('hex');

interface AttemptRow {
  ordering_key: string;
  delivery_id: string;
  worker: string;
  started_at: number;
  duration_ms: number;
}

/**
 * Two real gateway processes on one PostgreSQL schema, a YAML configuration with ordering on the
 * route, and a load of 40 keys, each key's events sent one after another to either instance.
 * The receiver answers after 0–4 ms and fails one first attempt in seven, so retries move
 * between instances.
 */
describe('ordering across two gateways on one database', { skip }, () => {
  it('for every key the receiver sees the stored order, never two of one key at once', async (t) => {
    const receiver = new Receiver();
    const inFlight = new Map<string, number>();
    const failed = new Set<string>();
    const answered: number[] = [];
    let most = 0;
    receiver.on('/orders', (r, n) => {
      const { order_id, seq } = keyedBody(r);
      const id = `${order_id}#${seq}`;
      const fail = n % 7 === 0 && !failed.has(id);
      if (fail) failed.add(id);
      const now = (inFlight.get(order_id) ?? 0) + 1;
      inFlight.set(order_id, now);
      most = Math.max(most, now);
      answered[n - 1] = fail ? 503 : 200;
      return {
        status: fail ? 503 : 200,
        delayMs: n % 5,
        onSent: () => inFlight.set(order_id, (inFlight.get(order_id) ?? 1) - 1),
      };
    });
    const url = await receiver.listen();
    const dir = tempDir();
    const file = join(dir, 'hookgate.yaml');
    writeFileSync(
      file,
      YAML.stringify({
        delivery: { pollInterval: '200ms', concurrency: 16 },
        sources: [{ name: 'orders', provider: 'generic-hmac', secrets: ['${ORDERS_SECRET}'] }],
        destinations: [
          {
            name: 'backend',
            url: `${url}/orders`,
            retry: { schedule: ['100ms'], maxAttempts: 20, jitter: 0 },
            circuitBreaker: { enabled: false },
          },
        ],
        routes: [{ source: 'orders', destination: 'backend', ordering: { key: 'json:order_id' } }],
      }),
    );
    const env = {
      DATABASE_URL: `${postgresUrl}?schema=${schema.name}`,
      ORDERS_SECRET: secret,
    };
    const a = await spawnGateway(file, dir, env);
    const b = await spawnGateway(file, dir, env);
    const db = new pg.Client({
      connectionString: postgresUrl,
      options: `-c search_path=${schema.name}`,
    });
    await db.connect();
    try {
      const load = new KeyedLoad([a.url, b.url], secret, 'key', 40);
      await eventually(() => load.count >= 1200, 60_000);
      await load.stop();
      const delivered = () => answered.filter((s) => s === 200).length;
      await eventually(() => delivered() >= load.count, 60_000);
      assertKeyOrder(receiver.at('/orders'), load.acked, (_r, i) => answered[i] === 200);
      assert.equal(most, 1, 'two deliveries of one key were in flight at once');

      // The database's view: the attempts of one key never overlap in time, whichever instance
      // made them (1 ms of slack: times are whole milliseconds).
      const { rows } = await db.query<AttemptRow>(
        `SELECT d.ordering_key, a.delivery_id, a.worker, a.started_at, a.duration_ms
         FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
         ORDER BY d.ordering_key, a.started_at, a.number`,
      );
      const workers = new Set(rows.map((r) => r.worker));
      assert.equal(workers.size, 2, 'both instances delivered');
      let handovers = 0;
      for (let i = 1; i < rows.length; i += 1) {
        const prev = rows[i - 1] as AttemptRow;
        const cur = rows[i] as AttemptRow;
        if (prev.ordering_key !== cur.ordering_key) continue;
        if (prev.worker !== cur.worker) handovers += 1;
        assert.ok(
          prev.started_at + prev.duration_ms <= cur.started_at + 1,
          `${cur.ordering_key}: an attempt by ${cur.worker} started before ${prev.worker}'s ended`,
        );
      }
      const { rows: left } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM deliveries WHERE state <> 'delivered' OR key_turn",
      );
      assert.equal(left[0]?.n, 0, 'every delivery delivered, no key left holding a turn');
      t.diagnostic(
        `${load.count} events on 40 keys, ${rows.length} attempts (${failed.size} failed first), ${handovers} times a key's next attempt was made by the other instance`,
      );
    } finally {
      await db.end();
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      await receiver.close();
    }
  });
});
