import { z } from 'zod';
import { commonDestination } from '../common-schema.ts';
import { nameTemplate } from '../template-schema.ts';

/**
 * `type: rabbitmq`: published to `exchange` (empty: the default exchange, where the routing key
 * names a queue) with `routingKey` (a name template, at most 255 bytes, AMQP's limit),
 * persistent, mandatory, under publisher confirms.
 */
export const rabbitmqDestination = z.strictObject({
  ...commonDestination,
  type: z.literal('rabbitmq'),
  url: z.string().regex(/^amqps?:\/\//, 'use amqp://user:pass@host:port[/vhost] or amqps://…'),
  exchange: z.string().max(255).default(''),
  routingKey: nameTemplate(() => undefined, 255),
});

export type RabbitmqDestinationConfig = z.output<typeof rabbitmqDestination>;
