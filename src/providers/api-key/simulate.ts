import { randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import type { ApiKeyOptions } from './provider.ts';

/** Sends the secret in the configured header, after the configured prefix. */
export const apiKeySimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        id: eventId ?? `evt_${randomUUID()}`,
        type: 'order.created',
        created_at: '2025-10-01T12:00:00Z',
        data: { order_id: 'ORD-001', total: 16.24, currency: 'JOD' },
      }),
      'utf8',
    ),
  sign({ body, secret, options }) {
    const o = options as ApiKeyOptions; // already parsed by the provider's schema
    return {
      headers: { 'content-type': 'application/json', [o.header]: `${o.prefix}${secret}` },
      body,
    };
  },
};
