import { Connection, type Publisher } from 'rabbitmq-client';
import { ConnectionState, redactedUrl } from '../connection-state.ts';
import type { ConnectionCheck, DriverContext } from '../destination.ts';

/** Thrown when a publish is asked of a connection that is not up: a temporary failure. */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

/** Thrown when the broker returned a mandatory message: no queue is bound for it. */
export class UnroutableError extends Error {
  override readonly name = 'UnroutableError';
}

/**
 * rabbitmq-client, wrapped for confirmed publishing: it reconnects by itself (backing off up to
 * 2 s) and re-opens the publisher's channel; a publish while disconnected fails at once instead
 * of waiting for a channel. Every publish is mandatory and confirmed: it resolves once the broker
 * has taken responsibility (persistent messages: written to the queues' disk), and rejects when
 * the broker nacks it or returns it unroutable (the return comes before the ack on the channel).
 */
export class ConfirmedPublisher {
  private readonly connection: Connection;
  private readonly publisher: Publisher;
  private readonly state: ConnectionState;
  /** messageIds the broker returned and whose confirmation has not come yet. */
  private readonly returned = new Map<string, string>();

  constructor(url: string, context: DriverContext) {
    this.state = new ConnectionState(context, { type: 'rabbitmq', url: redactedUrl(url) });
    this.connection = new Connection({
      url,
      connectionName: 'hookgate',
      retryLow: 200,
      retryHigh: 2000,
      connectionTimeout: 2000,
      acquireTimeout: 2000,
    });
    this.connection.on('connection', () => this.state.up());
    this.connection.on('error', (err: Error) => this.state.down(err.message));
    this.publisher = this.connection.createPublisher({ confirm: true, maxAttempts: 1 });
    this.publisher.on('basic.return', (msg) => {
      if (msg.messageId) this.returned.set(msg.messageId, msg.replyText);
    });
  }

  async publish(params: {
    readonly exchange: string;
    readonly routingKey: string;
    readonly messageId: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: Buffer;
    readonly timestamp: number;
  }): Promise<void> {
    if (!this.connection.ready) {
      this.state.down();
      throw new NotConnectedError('not connected to RabbitMQ');
    }
    const { messageId } = params;
    let failure: unknown;
    try {
      await this.publisher.send(
        {
          exchange: params.exchange,
          routingKey: params.routingKey,
          mandatory: true,
          durable: true,
          messageId,
          contentType: 'application/json',
          timestamp: Math.floor(params.timestamp / 1000),
          headers: { ...params.headers },
        },
        params.body,
      );
    } catch (err) {
      failure = err;
    }
    // The broker sends the return before the ack, but rabbitmq-client emits it on the next turn
    // of the event loop (setImmediate): wait for that turn before looking.
    await new Promise((resolve) => setImmediate(resolve));
    const why = this.returned.get(messageId);
    this.returned.delete(messageId);
    if (why !== undefined) throw new UnroutableError(why);
    if (failure !== undefined) throw failure;
  }

  connectionCheck(): ConnectionCheck {
    if (!this.connection.ready) this.state.down();
    return this.state.check();
  }

  async close(): Promise<void> {
    this.state.close();
    await this.publisher.close();
    await this.connection.close();
  }
}
