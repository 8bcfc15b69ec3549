import type { Attempt, Delivery, StoredEvent } from '../store/store.ts';

/** The body for people: text when it is valid UTF-8, else base64. */
export function bodyView(body: Buffer): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body)
    ? { body: text, bodyEncoding: 'utf8' }
    : { body: body.toString('base64'), bodyEncoding: 'base64' };
}

export function eventView(
  event: StoredEvent,
  deliveries: readonly (Delivery & { attemptList: readonly Attempt[] })[],
) {
  return { ...event, ...bodyView(event.body), deliveries };
}
