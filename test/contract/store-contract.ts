import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../src/domain/ids.ts';
import type { NewEvent, Store } from '../../src/store/store.ts';

const t0 = Date.UTC(2026, 0, 1);
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

/**
 * What every Store engine must do. Each engine's test file calls this with a factory that
 * returns a fresh, empty, migrated store.
 */
export function storeContract(engine: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${engine}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    it('migrates idempotently', async () => {
      await store.migrate();
      await store.migrate();
      await store.ping();
    });

    it('keeps the body bytes and headers exactly', async () => {
      const body = Buffer.concat([randomBytes(64), Buffer.from('ü\u0000\r\n')]);
      const e = makeEvent({
        body,
        dedupeKey: null,
        headers: { 'x-a': 'ü', 'content-type': 'application/octet-stream' },
      });
      const [outcome] = await store.eventInsertBatch({ events: [e] });
      assert.deepEqual(outcome, { status: 'stored', eventId: e.id });
      const stored = await store.eventGet({ id: e.id });
      assert.ok(stored);
      assert.ok(stored.body.equals(body));
      assert.deepEqual(stored.headers, e.headers);
      assert.equal(stored.source, 'stripe');
      assert.equal(stored.providerEventId, 'evt_provider_1');
      assert.equal(stored.eventType, 'invoice.paid');
      assert.equal(stored.requestId, 'req-1');
      assert.equal(stored.clientIp, '127.0.0.1');
      assert.equal(stored.receivedAt, t0);
      assert.equal(stored.duplicateCount, 0);
    });

    it('writes the event and one pending delivery per route in the same transaction', async () => {
      const e = makeEvent({
        deliveries: [
          { id: newId('dlv'), route: 'a', destination: 'backend' },
          { id: newId('dlv'), route: 'b', destination: 'audit' },
        ],
      });
      await store.eventInsertBatch({ events: [e] });
      const deliveries = await store.deliveryListByEvent({ eventId: e.id });
      assert.deepEqual(deliveries.map((d) => [d.destination, d.state, d.attempts]).sort(), [
        ['audit', 'pending', 0],
        ['backend', 'pending', 0],
      ]);
      const counts = await store.deliveryCountByState();
      assert.ok(counts.pending >= 2);
      assert.equal(counts.dead, 0);
    });

    it('counts a duplicate on the original and stores nothing else', async () => {
      const first = makeEvent({ source: 'dup', dedupeKey: 'id:evt_same' });
      const second = makeEvent({
        source: 'dup',
        dedupeKey: 'id:evt_same',
        receivedAt: t0 + 1000,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: 'backend' }],
      });
      const [a] = await store.eventInsertBatch({ events: [first] });
      const [b] = await store.eventInsertBatch({ events: [second] });
      assert.deepEqual(a, { status: 'stored', eventId: first.id });
      assert.deepEqual(b, { status: 'duplicate', eventId: first.id, duplicateCount: 1 });
      assert.equal(await store.eventGet({ id: second.id }), undefined);
      assert.deepEqual(await store.deliveryListByEvent({ eventId: second.id }), []);
      const original = await store.eventGet({ id: first.id });
      assert.equal(original?.duplicateCount, 1);
      assert.equal(original?.lastDuplicateAt, t0 + 1000);
      assert.equal(await store.eventCount({ source: 'dup' }), 1);
    });

    it('deduplicates within one batch too', async () => {
      const events = [1, 2, 3].map(() => makeEvent({ source: 'batchdup', dedupeKey: 'id:x' }));
      const outcomes = await store.eventInsertBatch({ events });
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['stored', 'duplicate', 'duplicate'],
      );
      assert.equal(outcomes[2]?.status === 'duplicate' && outcomes[2].duplicateCount, 2);
      assert.equal(await store.eventCount({ source: 'batchdup' }), 1);
    });

    it('scopes keys by source and never deduplicates a null key', async () => {
      const outcomes = await store.eventInsertBatch({
        events: [
          makeEvent({ source: 'scope-a', dedupeKey: 'id:k' }),
          makeEvent({ source: 'scope-b', dedupeKey: 'id:k' }),
          makeEvent({ source: 'scope-a', dedupeKey: null }),
          makeEvent({ source: 'scope-a', dedupeKey: null }),
        ],
      });
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['stored', 'stored', 'stored', 'stored'],
      );
    });

    it('stores a key again once its window has passed', async () => {
      const first = makeEvent({ source: 'window', dedupeKey: 'id:w', dedupeUntil: t0 + day });
      const late = makeEvent({
        source: 'window',
        dedupeKey: 'id:w',
        receivedAt: t0 + day,
        dedupeUntil: t0 + 2 * day,
      });
      const again = makeEvent({ source: 'window', dedupeKey: 'id:w', receivedAt: t0 + day + 1 });
      const outcomes = await store.eventInsertBatch({ events: [first] });
      outcomes.push(...(await store.eventInsertBatch({ events: [late, again] })));
      assert.deepEqual(
        outcomes.map((o) => [o.status, o.eventId]),
        [
          ['stored', first.id],
          ['stored', late.id],
          ['duplicate', late.id],
        ],
      );
    });

    it('commits a batch all or nothing', async () => {
      const good = makeEvent({ source: 'atomic' });
      const clash = makeEvent({ source: 'atomic', id: good.id, dedupeKey: null });
      await assert.rejects(store.eventInsertBatch({ events: [good, clash] }));
      assert.equal(await store.eventGet({ id: good.id }), undefined);
      assert.equal(await store.eventCount({ source: 'atomic' }), 0);
      // The failed batch left nothing behind: its key is free.
      const [retry] = await store.eventInsertBatch({ events: [good] });
      assert.equal(retry?.status, 'stored');
    });

    it('lists newest first and pages with `before`', async () => {
      const events = [0, 1, 2, 3, 4].map(() => makeEvent({ source: 'list' }));
      await store.eventInsertBatch({ events });
      const page1 = await store.eventList({ source: 'list', limit: 2 });
      const page2 = await store.eventList({
        source: 'list',
        limit: 2,
        before: page1[1]?.id as string,
      });
      assert.deepEqual(
        [...page1, ...page2].map((e) => e.id),
        [events[4]?.id, events[3]?.id, events[2]?.id, events[1]?.id],
      );
      assert.equal(await store.eventCount({ source: 'list' }), 5);
      assert.ok((await store.eventCount({})) >= 5);
    });
  });
}
