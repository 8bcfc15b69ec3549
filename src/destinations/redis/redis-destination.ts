import type { Verdict } from '../../domain/outcome.ts';
import { clientPerUrl } from '../client-per-url.ts';
import { delivered, failed, withDeadline } from '../deadline.ts';
import type { Destination, DestinationKind, OutboundMessage } from '../destination.ts';
import { envelope } from '../envelope.ts';
import { NameTemplate } from '../name-template.ts';
import { RedisPublisher } from './redis-client.ts';
import type { RedisDestinationConfig } from './schema.ts';

/**
 * Redis errors by their reply's first word: the server busy or failing over is temporary; a key
 * of another type or a refused command is our configuration.
 */
const temporaryReplies = new Set([
  'OOM',
  'BUSY',
  'LOADING',
  'MASTERDOWN',
  'READONLY',
  'TRYAGAIN',
  'CLUSTERDOWN',
]);
const configurationReplies = new Set([
  'WRONGTYPE',
  'NOPERM',
  'NOAUTH',
  'WRONGPASS',
  'MOVED',
  'ASK',
]);

export function classifyRedisError(err: unknown): Verdict {
  const message = err instanceof Error ? err.message : String(err);
  // A reply error comes from the server; anything else is the connection.
  if ((err as { name?: string }).name !== 'ReplyError') return failed('temporary', message);
  const word = message.split(' ')[0] ?? '';
  if (temporaryReplies.has(word)) return failed('temporary', message);
  if (configurationReplies.has(word)) return failed('configuration', message);
  return failed('unknown', message);
}

/** `type: redis`: PUBLISH the envelope to a channel, or XADD it to a stream. */
export class RedisDestination implements Destination {
  private readonly name: NameTemplate;

  constructor(
    private readonly config: RedisDestinationConfig,
    private readonly client: RedisPublisher,
  ) {
    this.name = new NameTemplate(config.channel ?? (config.stream as string));
  }

  connection() {
    return this.client.connection();
  }

  send(message: OutboundMessage, deadlineMs: number): Promise<Verdict> {
    const name = this.name.render(message.event);
    const body = envelope(message);
    const { config } = this;
    return withDeadline(deadlineMs, async () => {
      try {
        if (config.stream !== undefined) {
          const entry = await this.client.append(
            name,
            ['id', message.id, 'message', body],
            config.maxLen,
          );
          return delivered(`${name} ${entry}`);
        }
        const receivers = await this.client.publish(name, body);
        return receivers === 0 && config.requireSubscribers
          ? failed('temporary', `no subscriber on channel ${name}`)
          : delivered(`${name}: ${receivers} subscriber(s)`);
      } catch (err) {
        return classifyRedisError(err);
      }
    });
  }
}

/** One connection per URL, shared by the destinations that name it. */
export const redisKind: DestinationKind<RedisDestinationConfig> = {
  driver: (context) =>
    clientPerUrl(
      (url) => new RedisPublisher(url, context),
      (config: RedisDestinationConfig, client: RedisPublisher) =>
        new RedisDestination(config, client),
    ),
};
