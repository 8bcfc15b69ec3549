/**
 * bench:deliver's broker side (`--destination redis|nats|rabbitmq`): the raw client publishing
 * the same message bytes with the same number in flight (the ceiling), and the destination
 * config that makes the dispatcher publish there. The envelope is what Hookgate publishes for the
 * bench's 1 KiB body.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Connection } from 'rabbitmq-client';

export type BrokerType = 'redis' | 'nats' | 'rabbitmq';

export interface BrokerBench {
  /** The destination's type-specific keys. */
  readonly destination: Record<string, unknown>;
  /** Publishes `count` messages, `concurrency` in flight, each confirmed; messages/s. */
  raw(message: Buffer, count: number, concurrency: number): Promise<number>;
  close(): Promise<void>;
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const rabbitUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** `concurrency` loops sharing one counter, each awaiting its publish's confirmation. */
async function loops(count: number, concurrency: number, publish: (i: number) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await publish(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export async function brokerBench(type: BrokerType): Promise<BrokerBench> {
  const run = `hgbench${process.pid}`;
  if (type === 'redis') {
    const client = new Redis(redisUrl);
    return {
      destination: { type, url: redisUrl, stream: `${run}:{{source}}`, maxLen: 100_000 },
      raw: (message, count, concurrency) =>
        loops(count, concurrency, (i) =>
          client.xadd(`${run}:raw`, '*', 'id', String(i), 'message', message),
        ),
      close: async () => {
        await client.del(`${run}:raw`, `${run}:bench`);
        client.disconnect();
      },
    };
  }
  if (type === 'nats') {
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: run.toUpperCase(), subjects: [`${run}.>`] });
    const js = jetstream(nc);
    return {
      destination: { type, url: natsUrl, subject: `${run}.{{source}}` },
      raw: (message, count, concurrency) =>
        loops(count, concurrency, (i) => js.publish(`${run}.raw`, message, { msgID: `raw-${i}` })),
      close: async () => {
        await jsm.streams.delete(run.toUpperCase());
        await nc.close();
      },
    };
  }
  const rabbit = new Connection(rabbitUrl);
  for (const queue of [`${run}.raw`, `${run}.bench`])
    await rabbit.queueDeclare({ queue, durable: true });
  const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
  return {
    destination: { type, url: rabbitUrl, exchange: '', routingKey: `${run}.{{source}}` },
    raw: (message, count, concurrency) =>
      loops(count, concurrency, (i) =>
        publisher.send(
          {
            routingKey: `${run}.raw`,
            mandatory: true,
            durable: true,
            messageId: `raw-${i}`,
            contentType: 'application/json',
          },
          message,
        ),
      ),
    close: async () => {
      await publisher.close();
      for (const queue of [`${run}.raw`, `${run}.bench`]) await rabbit.queueDelete({ queue });
      await rabbit.close();
    },
  };
}
