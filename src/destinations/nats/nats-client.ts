import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { ConnectionState, redactedUrl } from '../connection-state.ts';
import type { ConnectionCheck, DriverContext } from '../destination.ts';

const connectTimeoutMs = 2000;
const maxReconnectDelayMs = 2000;

/** Thrown when a publish is asked of a connection that is not up: a temporary failure. */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

/**
 * nats.js (`@nats-io/transport-node` + `@nats-io/jetstream`), wrapped for JetStream publishing.
 * The first connection is retried here, in the background, until it succeeds (nats.js's own
 * `waitOnFirstConnect` cannot be stopped at shutdown); after that nats.js reconnects by itself
 * for ever. While the connection is down a publish fails at once instead of being buffered.
 */
export class JetStreamPublisher {
  private connection: { nc: NatsConnection; js: JetStreamClient } | undefined;
  private manager: Promise<JetStreamManager> | undefined;
  private readonly state: ConnectionState;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    context: DriverContext,
  ) {
    this.state = new ConnectionState(context, { type: 'nats', url: redactedUrl(url) });
    void this.open(1);
  }

  private async open(attempt: number): Promise<void> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: this.url,
        name: 'hookgate',
        timeout: connectTimeoutMs,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
    } catch (err) {
      this.state.error((err as Error).message);
      if (this.closed) return;
      this.retryTimer = setTimeout(
        () => void this.open(attempt + 1),
        Math.min(attempt * 200, maxReconnectDelayMs),
      );
      this.retryTimer.unref();
      return;
    }
    if (this.closed) {
      await nc.close();
      return;
    }
    this.connection = { nc, js: jetstream(nc) };
    this.state.up();
    void this.watch(nc);
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') this.state.down();
      else if (status.type === 'reconnect') this.state.up();
      else if (status.type === 'error') this.state.error(String(status.error));
    }
  }

  /** Publishes and resolves with the stream's acknowledgement. */
  async publish(
    subject: string,
    body: Buffer,
    options: { msgID: string; headers: Readonly<Record<string, string>>; timeoutMs: number },
  ): Promise<PubAck> {
    const connection = this.connection;
    if (connection === undefined || !this.state.connected)
      throw new NotConnectedError('not connected to NATS');
    const h = headers();
    for (const [name, value] of Object.entries(options.headers)) h.set(name, value);
    return connection.js.publish(subject, body, {
      msgID: options.msgID,
      headers: h,
      timeout: options.timeoutMs,
    });
  }

  /** The stream that captures `subject`; rejects with StreamNotFoundError when none does. */
  async streamFor(subject: string): Promise<string> {
    const connection = this.connection;
    if (connection === undefined) throw new NotConnectedError('not connected to NATS');
    this.manager ??= jetstreamManager(connection.nc);
    return (await this.manager).streams.find(subject);
  }

  connectionCheck(): ConnectionCheck {
    return this.state.check();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.state.close();
    clearTimeout(this.retryTimer);
    await this.connection?.nc.close();
  }
}
