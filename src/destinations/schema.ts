import { z } from 'zod';
import { httpDestination } from './http/schema.ts';

/**
 * A destination: one of the types, chosen by `type` (`http` when absent, so configs written
 * before there were other types keep working).
 */
export const destinationSchema = z.preprocess(
  (v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !('type' in v)
      ? { ...v, type: 'http' }
      : v,
  z.discriminatedUnion('type', [httpDestination]),
);

export type DestinationConfig = z.output<typeof destinationSchema>;
export type DestinationType = DestinationConfig['type'];
