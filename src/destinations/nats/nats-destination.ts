import type { Verdict } from '../../domain/outcome.ts';
import { classifyStatus } from '../http/classify.ts';
import { clientPerUrl } from '../client-per-url.ts';
import { delivered, failed, withDeadline } from '../deadline.ts';
import type { Destination, DestinationKind, OutboundMessage } from '../destination.ts';
import { envelope, messageHeaders } from '../envelope.ts';
import { NameTemplate } from '../name-template.ts';
import { JetStreamPublisher } from './nats-client.ts';
import type { NatsDestinationConfig } from './schema.ts';

const errorName = (err: unknown) => (err as { name?: string }).name ?? '';
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * `type: nats`: the envelope published to JetStream on the subject, with the event's metadata in
 * NATS headers and `Nats-Msg-Id` = the delivery's idempotency key (JetStream's duplicate window
 * drops a repeat). Delivered only once the stream acknowledged it.
 */
export class NatsDestination implements Destination {
  private readonly subject: NameTemplate;

  constructor(
    private readonly config: NatsDestinationConfig,
    private readonly client: JetStreamPublisher,
  ) {
    this.subject = new NameTemplate(config.subject);
  }

  connection() {
    return this.client.connectionCheck();
  }

  send(message: OutboundMessage, deadlineMs: number): Promise<Verdict> {
    const subject = this.subject.render(message.event);
    const metadata = messageHeaders(message, this.config.headers);
    if ('invalid' in metadata) return Promise.resolve(failed('client', metadata.invalid));
    return withDeadline(deadlineMs, async () => {
      try {
        const ack = await this.client.publish(subject, envelope(message), {
          msgID: message.id,
          headers: metadata,
          timeoutMs: deadlineMs,
        });
        return delivered(
          `stream ${ack.stream} seq ${ack.seq}${ack.duplicate ? ' (duplicate)' : ''}`,
        );
      } catch (err) {
        // No one answered the publish: either no stream captures the subject (our
        // configuration), or JetStream itself is away (a restart). JetStream's API says which.
        if (errorName(err) === 'JetStreamNotEnabled') return this.whyNoResponders(subject);
        return this.classify(err, subject);
      }
    });
  }

  private classify(err: unknown, subject: string): Verdict {
    if (errorName(err) === 'JetStreamApiError') {
      const status = (err as { status?: number }).status ?? 500;
      return failed(classifyStatus(status), `JetStream: ${errorText(err)}`);
    }
    // Not connected, timed out, connection closed or draining, or anything unforeseen:
    // temporary, so nothing acknowledged is given up.
    return failed('temporary', `NATS ${subject}: ${errorText(err)}`);
  }

  private async whyNoResponders(subject: string): Promise<Verdict> {
    try {
      const stream = await this.client.streamFor(subject);
      return failed('temporary', `no answer from stream ${stream} for subject ${subject}`);
    } catch (err) {
      if (errorName(err) === 'StreamNotFoundError')
        return failed(
          'configuration',
          `no JetStream stream is bound to subject ${subject}: add the subject to a stream`,
        );
      return failed('temporary', `JetStream not available: ${errorText(err)}`);
    }
  }
}

/** One connection per URL, shared by the destinations that name it. */
export const natsKind: DestinationKind<NatsDestinationConfig> = {
  driver: (context) =>
    clientPerUrl(
      (url) => new JetStreamPublisher(url, context),
      (config: NatsDestinationConfig, client: JetStreamPublisher) =>
        new NatsDestination(config, client),
    ),
};
