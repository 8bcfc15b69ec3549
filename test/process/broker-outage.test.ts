import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Connection } from 'rabbitmq-client';
import { request } from 'undici';
import { ThrowawayNats, ThrowawayRabbit } from '../helpers/brokers.ts';
import { tempDir } from '../helpers/gateway.ts';
import { signedJsonHeaders, spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually } from '../helpers/receiver.ts';
import { freePort, redisServerSkipReason, ThrowawayRedis } from '../helpers/redis.ts';

const secret = randomBytes(32).toString('hex');

interface Broker {
  /** The destination's type-specific keys. */
  readonly destination: object;
  /** Event ids the consumer has got so far. */
  received(): Promise<Set<string>>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real gateway process delivers to a broker server of the test's own; the broker is stopped
 * while webhooks keep coming, and started again: every event the gateway acknowledged arrives,
 * and the gateway stops cleanly.
 */
async function outage(broker: Broker): Promise<void> {
  const dir = tempDir();
  const file = writeConfig(dir, {
    storage: { url: `sqlite:${join(dir, 'hookgate.db')}` },
    delivery: { pollInterval: '200ms' },
    sources: [{ name: 'shop', provider: 'generic-hmac', secrets: [secret] }],
    destinations: [
      {
        name: 'bus',
        timeoutMs: 2000,
        retry: { schedule: ['300ms'], maxAttempts: 1000, jitter: 0 },
        circuitBreaker: { resetTimeout: '1s' },
        ...broker.destination,
      },
    ],
    routes: [{ source: 'shop', destination: 'bus' }],
  });
  const gateway = await spawnGateway(file, dir);
  const acked: string[] = [];
  const post = async (i: number) => {
    const body = JSON.stringify({ order: i });
    const res = await request(`${gateway.url}/webhooks/shop`, {
      method: 'POST',
      headers: signedJsonHeaders(secret, body),
      body,
    });
    const json = (await res.body.json()) as { data?: { eventId: string } };
    if (res.statusCode === 200 && json.data) acked.push(json.data.eventId);
  };
  try {
    const batch = (from: number) =>
      Promise.all(Array.from({ length: 20 }, (_, k) => post(from + k)));
    await batch(0);
    await eventually(async () => (await broker.received()).size >= 10, 15_000);
    await broker.stop();
    await batch(20);
    // /health shows the connection lost.
    await eventually(async () => {
      const health = (await (await request(`${gateway.url}/health`)).body.json()) as {
        status: string;
        checks: { destinations: { bus: { status: string } } };
      };
      return health.status === 'degraded' && health.checks.destinations.bus.status !== 'connected';
    }, 10_000);
    await batch(40);
    await broker.start();
    await eventually(async () => {
      const got = await broker.received();
      return acked.every((id) => got.has(id));
    }, 60_000);
    assert.equal(acked.length, 60);
  } finally {
    gateway.child.kill('SIGTERM');
    await broker.close();
  }
  assert.equal(await gateway.exited, 0, gateway.output());
}

describe('broker down mid-load (own server processes, real gateway process)', () => {
  it(
    'redis: PUBLISH with requireSubscribers; redis-server killed and restarted',
    {
      skip: redisServerSkipReason(),
    },
    async () => {
      const server = new ThrowawayRedis(await freePort());
      await server.start();
      const got = new Set<string>();
      const subscriber = new Redis(server.url, { retryStrategy: () => 100 });
      subscriber.on('error', () => undefined);
      await subscriber.subscribe('hooks.shop');
      subscriber.on('message', (_c, message) => got.add(JSON.parse(message).id as string));
      await outage({
        destination: {
          type: 'redis',
          url: server.url,
          channel: 'hooks.{{source}}',
          requireSubscribers: true,
        },
        received: async () => got,
        stop: () => server.kill(),
        start: () => server.start(),
        close: async () => {
          subscriber.disconnect();
          await server.kill();
        },
      });
    },
  );

  it('nats: JetStream file stream; nats-server stopped and restarted on the same store', async () => {
    const server = await ThrowawayNats.create();
    await server.start();
    const nc = await connect({
      servers: server.url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HOOKS', subjects: ['hooks.>'] });
    await outage({
      destination: { type: 'nats', url: server.url, subject: 'hooks.{{source}}.{{eventType}}' },
      received: async () => {
        const ids = new Set<string>();
        try {
          const { state } = await jsm.streams.info('HOOKS');
          for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
            const msg = await jsm.streams.getMessage('HOOKS', { seq });
            const id = msg?.header?.get('hookgate-event-id');
            if (id) ids.add(id);
          }
        } catch {
          // the server is down right now
        }
        return ids;
      },
      stop: () => server.stop(),
      start: () => server.start(),
      close: async () => {
        await nc.close();
        await server.stop();
      },
    });
  });

  it('rabbitmq: a durable queue on a second node of our own; the node stopped and restarted', async () => {
    const server = await ThrowawayRabbit.create();
    await server.start();
    const rabbit = new Connection({ url: server.url, retryLow: 100, retryHigh: 500 });
    rabbit.on('error', () => undefined);
    await rabbit.queueDeclare({ queue: 'hooks', durable: true });
    const got = new Set<string>();
    await outage({
      destination: { type: 'rabbitmq', url: server.url, exchange: '', routingKey: 'hooks' },
      received: async () => {
        try {
          for (;;) {
            const msg = await rabbit.basicGet({ queue: 'hooks', noAck: true });
            if (!msg) break;
            got.add((msg.body as { id: string }).id);
          }
        } catch {
          // the node is down right now
        }
        return got;
      },
      stop: () => server.stop(),
      start: () => server.start(),
      close: async () => {
        await rabbit.close();
        await server.stop();
      },
    });
  });
});
