import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { request } from 'undici';
import { tempDir } from '../helpers/gateway.ts';
import { OrderLoad } from '../helpers/load.ts';
import { postgresSkipReason, postgresUrl, testSchema } from '../helpers/postgres.ts';
import { signedJsonHeaders, spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';
import { redisSkipReason, redisUrl, testKeyPrefix } from '../helpers/redis.ts';

const skip = (await postgresSkipReason()) || (await redisSkipReason());
const schema = testSchema();
const keys = testKeyPrefix();
after(() => (skip ? undefined : Promise.all([schema.drop(), keys.drop()])));
const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');

interface AttemptRow {
  delivery_id: string;
  worker: string;
  started_at: number;
  duration_ms: number;
}

/** Two real gateway processes on one PostgreSQL schema and one Redis, as behind a load balancer. */
describe('two gateways on one database', { skip }, () => {
  it('deliver every event once at a time, and share their circuit breakers', async (t) => {
    const receiver = new Receiver();
    // Slow, and failing one time in seven: retries move between instances.
    receiver.on('/orders', (_r, n) => ({ status: n % 7 === 0 ? 503 : 200, delayMs: n % 5 }));
    receiver.on('/fragile', () => ({ status: 503 }));
    const url = await receiver.listen();
    const dir = tempDir();
    const file = writeConfig(dir, {
      admin: { token: adminToken },
      redis: { keyPrefix: keys.prefix },
      delivery: { pollInterval: '200ms' },
      sources: [
        {
          name: 'orders',
          provider: 'generic-hmac',
          secrets: [secret],
          options: { eventIdPath: 'order_id' },
        },
        { name: 'alerts', provider: 'generic-hmac', secrets: [secret] },
      ],
      destinations: [
        {
          name: 'backend',
          url: `${url}/orders`,
          retry: { schedule: ['100ms'], maxAttempts: 20, jitter: 0 },
          circuitBreaker: { enabled: false },
        },
        {
          name: 'fragile',
          url: `${url}/fragile`,
          retry: { schedule: ['1h'], maxAttempts: 5, jitter: 0 },
          circuitBreaker: { failureThreshold: 4, resetTimeout: '1h' },
        },
      ],
      routes: [
        { source: 'orders', destination: 'backend' },
        { source: 'alerts', destination: 'fragile' },
      ],
    });
    const env = { DATABASE_URL: `${postgresUrl}?schema=${schema.name}`, REDIS_URL: redisUrl };
    const a = await spawnGateway(file, dir, env);
    const b = await spawnGateway(file, dir, env);
    const db = new pg.Client({
      connectionString: postgresUrl,
      options: `-c search_path=${schema.name}`,
    });
    await db.connect();
    try {
      const load = new OrderLoad([a.url, b.url], secret, 'scale', 8);
      await eventually(() => load.acknowledged().size >= 600, 30_000);
      await load.stop();
      const acknowledged = load.acknowledged();
      await eventually(async () => {
        const { rows } = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM deliveries WHERE destination = 'backend' AND state = 'delivered'",
        );
        return rows[0]?.n === acknowledged.size;
      }, 30_000);
      const { rows: events } = await db.query<{ provider_event_id: string }>(
        "SELECT provider_event_id FROM events WHERE source = 'orders'",
      );
      assert.deepEqual(new Set(events.map((e) => e.provider_event_id)), acknowledged);

      // No delivery was ever attempted by two instances at once: its attempts never overlap.
      const { rows: attempts } = await db.query<AttemptRow>(
        'SELECT delivery_id, worker, started_at, duration_ms FROM attempts ORDER BY delivery_id, number',
      );
      const workers = new Set(attempts.map((r) => r.worker));
      assert.equal(workers.size, 2, 'both instances delivered');
      let retried = 0;
      let movedBetweenInstances = 0;
      for (let i = 1; i < attempts.length; i += 1) {
        const prev = attempts[i - 1] as AttemptRow;
        const cur = attempts[i] as AttemptRow;
        if (prev.delivery_id !== cur.delivery_id) continue;
        retried += 1;
        if (prev.worker !== cur.worker) movedBetweenInstances += 1;
        assert.ok(
          prev.started_at + prev.duration_ms <= cur.started_at,
          `delivery ${cur.delivery_id}: attempt by ${cur.worker} started before ${prev.worker}'s ended`,
        );
      }
      assert.ok(retried > 0, 'some deliveries were retried');
      t.diagnostic(
        `${acknowledged.size} events, ${attempts.length} attempts, ${retried} retries (${movedBetweenInstances} on the other instance), workers ${[...workers].join(', ')}`,
      );

      // Four failures in all, wherever they happen, open the one shared breaker of `fragile`.
      for (let i = 0; i < 4; i += 1) {
        const body = JSON.stringify({ alert: i });
        const res = await request(`${(i % 2 ? a : b).url}/webhooks/alerts`, {
          method: 'POST',
          headers: signedJsonHeaders(secret, body),
          body,
        });
        assert.equal(res.statusCode, 200);
        await res.body.dump();
        await eventually(async () => {
          const { rows } = await db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.destination = 'fragile'",
          );
          return rows[0]?.n === i + 1;
        }, 10_000);
      }
      const breakerOf = async (gw: { url: string }) => {
        const res = await request(`${gw.url}/admin/breakers`, {
          headers: { authorization: `Bearer ${adminToken}` },
        });
        const json = (await res.body.json()) as {
          data: { breakers: { destination: string; state: string }[] };
        };
        return json.data.breakers.find((x) => x.destination === 'fragile')?.state;
      };
      await eventually(
        async () => (await breakerOf(a)) === 'open' && (await breakerOf(b)) === 'open',
        5_000,
      );
      // An operator reset on one instance closes it on the other.
      const reset = await request(`${a.url}/admin/breakers/fragile/reset`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(reset.statusCode, 200);
      await reset.body.dump();
      assert.equal(await breakerOf(b), 'closed');
    } finally {
      await db.end();
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      await receiver.close();
    }
  });
});
