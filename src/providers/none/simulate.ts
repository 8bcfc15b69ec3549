import { randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import type { NoneOptions } from './provider.ts';

/** Nothing to sign: sends the sample with the id/type headers the source reads, if any. */
export const noneSimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        id: eventId ?? `evt_${randomUUID()}`,
        type: 'ping',
        created_at: '2025-10-01T12:00:00Z',
        data: { message: 'hello from hookgate send' },
      }),
      'utf8',
    ),
  sign({ body, options, eventId }) {
    const o = options as NoneOptions; // already parsed by the provider's schema
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.eventIdHeader !== undefined) headers[o.eventIdHeader] = eventId ?? randomUUID();
    if (o.eventTypeHeader !== undefined) headers[o.eventTypeHeader] = 'ping';
    return { headers, body };
  },
};
