/** What a delivery's idempotency key is made of. */
export interface KeyedDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly destination: string;
  /** `replay`: an operator's replay of the event, a delivery of its own (see below). */
  readonly origin: 'ingest' | 'replay' | 'listen';
}

/**
 * The `Idempotency-Key` (and Standard Webhooks `webhook-id`, NATS `Nats-Msg-Id`, AMQP
 * `messageId`) of a delivery: the same on every attempt of it, so a receiver can drop a repeat.
 * A replay is a new delivery that the receiver must NOT drop as a repeat of the original, so its
 * key is its own: `<event id>.<destination>.<replay delivery id>` (still led by the original's
 * key, so a receiver can link the two).
 */
export function idempotencyKey(delivery: KeyedDelivery): string {
  const key = `${delivery.eventId}.${delivery.destination}`;
  return delivery.origin === 'replay' ? `${key}.${delivery.id}` : key;
}
