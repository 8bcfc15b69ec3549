/** What a delivery's idempotency key is made of. */
export interface KeyedDelivery {
  readonly eventId: string;
  readonly destination: string;
}

/**
 * The `Idempotency-Key` (and Standard Webhooks `webhook-id`, NATS `Nats-Msg-Id`, AMQP
 * `messageId`) of a delivery: the same on every attempt of it, so a receiver can drop a repeat.
 */
export function idempotencyKey(delivery: KeyedDelivery): string {
  return `${delivery.eventId}.${delivery.destination}`;
}
