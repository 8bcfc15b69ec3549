import { z } from 'zod';
import { commonDestination } from '../common-schema.ts';
import { nameTemplate } from '../template-schema.ts';

/** A subject's tokens: non-empty, no whitespace, no wildcard (`*`, `>`): one can publish there. */
const subject = nameTemplate((sample) =>
  /^[^\s*>.]+(\.[^\s*>.]+)*$/.test(sample)
    ? undefined
    : 'a NATS subject: dot-separated tokens, none empty, no spaces, no * or >',
);

/**
 * `type: nats`: published to JetStream on `subject` (a name template), delivered once the stream
 * that captures the subject acknowledges it.
 */
export const natsDestination = z.strictObject({
  ...commonDestination,
  type: z.literal('nats'),
  url: z.string().regex(/^(nats|tls):\/\//, 'use nats://host:port (or tls://)'),
  subject,
});

export type NatsDestinationConfig = z.output<typeof natsDestination>;
