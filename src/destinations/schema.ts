import { z } from 'zod';
import { httpDestination } from './http/schema.ts';
import { natsDestination } from './nats/schema.ts';
import { rabbitmqDestination } from './rabbitmq/schema.ts';
import { redisDestination } from './redis/schema.ts';

/**
 * A destination: one of the types, chosen by `type` (`http` when absent, so configs written
 * before there were other types keep working).
 */
export const destinationSchema = z.preprocess(
  (v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !('type' in v)
      ? { ...v, type: 'http' }
      : v,
  z.discriminatedUnion('type', [
    httpDestination,
    redisDestination,
    natsDestination,
    rabbitmqDestination,
  ]),
);

export type DestinationConfig = z.output<typeof destinationSchema>;
export type DestinationType = DestinationConfig['type'];
