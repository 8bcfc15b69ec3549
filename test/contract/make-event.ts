import { newId } from '../../src/domain/ids.ts';
import type { NewEvent } from '../../src/store/store.ts';

export const t0 = Date.UTC(2026, 0, 1);
const day = 86_400_000;

export function makeEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  const id = overrides.id ?? newId('evt');
  return {
    id,
    source: 'stripe',
    provider: 'stripe',
    providerEventId: 'evt_provider_1',
    eventType: 'invoice.paid',
    dedupeKey: `id:${id}`,
    dedupeUntil: t0 + 7 * day,
    requestId: 'req-1',
    clientIp: '127.0.0.1',
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': '[redacted]' },
    body: Buffer.from('{"id":"evt_provider_1"}'),
    receivedAt: t0,
    deliveries: [],
    ...overrides,
  };
}
