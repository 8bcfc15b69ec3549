import { randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import type { NoneOptions } from './provider.ts';

/** Nothing to sign: sends the sample with the id/type headers the source reads, if any. */
export const noneSimulator: Simulator = {
  sample: () =>
    Buffer.from(
      JSON.stringify({
        id: 'evt_unsigned_0001',
        type: 'ping',
        created_at: '2025-10-01T12:00:00Z',
        data: { message: 'hello from hookgate send' },
      }),
      'utf8',
    ),
  sign({ body, options }) {
    const o = options as NoneOptions; // already parsed by the provider's schema
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.eventIdHeader !== undefined) headers[o.eventIdHeader] = randomUUID();
    if (o.eventTypeHeader !== undefined) headers[o.eventTypeHeader] = 'ping';
    return { headers, body };
  },
};
