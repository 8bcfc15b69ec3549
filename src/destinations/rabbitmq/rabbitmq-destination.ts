import type { Verdict } from '../../domain/outcome.ts';
import { clientPerUrl } from '../client-per-url.ts';
import { delivered, failed, withDeadline } from '../deadline.ts';
import type { Destination, DestinationKind, OutboundMessage } from '../destination.ts';
import { envelope, messageHeaders } from '../envelope.ts';
import { NameTemplate } from '../name-template.ts';
import { ConfirmedPublisher } from './amqp-client.ts';
import type { RabbitmqDestinationConfig } from './schema.ts';

/** AMQP channel errors that say our configuration is wrong (no such exchange, no access). */
const configurationCodes = new Set(['NOT_FOUND', 'ACCESS_REFUSED', 'NOT_ALLOWED']);

export function classifyAmqpError(err: unknown, where: string): Verdict {
  const name = (err as { name?: string }).name ?? '';
  const code = (err as { code?: string }).code ?? '';
  const text = `${where}: ${err instanceof Error ? err.message : String(err)}`;
  if (name === 'UnroutableError')
    return failed('configuration', `${text}: no queue is bound for this routing key`);
  if (configurationCodes.has(code)) return failed('configuration', text);
  if (code === 'PRECONDITION_FAILED') return failed('validation', text);
  // Nacked, not connected, the channel or connection closed: temporary.
  return failed('temporary', text);
}

/**
 * `type: rabbitmq`: the envelope published to the exchange with the routing key, persistent
 * (delivery mode 2), mandatory, `messageId` = the delivery's idempotency key, the event's
 * metadata in AMQP headers; delivered once the broker confirms it.
 */
export class RabbitmqDestination implements Destination {
  private readonly routingKey: NameTemplate;

  constructor(
    private readonly config: RabbitmqDestinationConfig,
    private readonly client: ConfirmedPublisher,
  ) {
    this.routingKey = new NameTemplate(config.routingKey);
  }

  connection() {
    return this.client.connectionCheck();
  }

  send(message: OutboundMessage, deadlineMs: number): Promise<Verdict> {
    const routingKey = this.routingKey.render(message.event);
    const headers = messageHeaders(message, this.config.headers);
    if ('invalid' in headers) return Promise.resolve(failed('client', headers.invalid));
    const where = `exchange "${this.config.exchange}" routing key ${routingKey}`;
    return withDeadline(deadlineMs, async () => {
      try {
        await this.client.publish({
          exchange: this.config.exchange,
          routingKey,
          messageId: message.id,
          headers,
          body: envelope(message),
          timestamp: message.now,
        });
        return delivered(`confirmed: ${where}`);
      } catch (err) {
        return classifyAmqpError(err, where);
      }
    });
  }
}

/** One connection per URL, shared by the destinations that name it. */
export const rabbitmqKind: DestinationKind<RabbitmqDestinationConfig> = {
  driver: (context) =>
    clientPerUrl(
      (url) => new ConfirmedPublisher(url, context),
      (config: RabbitmqDestinationConfig, client: ConfirmedPublisher) =>
        new RabbitmqDestination(config, client),
    ),
};
