import { Redis } from 'ioredis';
import { ConnectionState, redactedUrl } from '../connection-state.ts';
import type { ConnectionCheck, DriverContext } from '../destination.ts';

const connectTimeoutMs = 2000;
const maxReconnectDelayMs = 2000;

/**
 * ioredis, wrapped for publishing: no offline queue (a command while disconnected fails at once,
 * and the attempt retries on its schedule instead of waiting in memory), reconnecting forever in
 * the background, its state kept for /health.
 */
export class RedisPublisher {
  private readonly client: Redis;
  private readonly state: ConnectionState;

  constructor(url: string, context: DriverContext) {
    this.state = new ConnectionState(context, { type: 'redis', url: redactedUrl(url) });
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      connectTimeout: connectTimeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 200, maxReconnectDelayMs),
    });
    this.client.on('ready', () => this.state.up());
    this.client.on('close', () => this.state.down());
    // Without a listener ioredis prints every failed reconnect; the state change is logged once.
    this.client.on('error', (err: Error) => this.state.error(err.message));
  }

  /** PUBLISH; resolves with how many subscribers got it. */
  publish(channel: string, message: Buffer): Promise<number> {
    return this.client.publish(channel, message);
  }

  /** XADD with an approximate cap; resolves with the entry's id. */
  append(stream: string, fields: readonly (string | Buffer)[], maxLen?: number): Promise<string> {
    return (
      maxLen === undefined
        ? this.client.xadd(stream, '*', ...fields)
        : this.client.xadd(stream, 'MAXLEN', '~', maxLen, '*', ...fields)
    ) as Promise<string>;
  }

  connection(): ConnectionCheck {
    return this.state.check();
  }

  close(): Promise<void> {
    this.state.close();
    this.client.disconnect();
    return Promise.resolve();
  }
}
