import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '../../src/domain/ids.ts';
import type { NewEvent, Store } from '../../src/store/store.ts';
import { makeEvent, t0 } from './make-event.ts';
import { monitoringContract } from './monitoring-contract.ts';
import { operationsContract, settleDelivery } from './operations-contract.ts';
import { orderingContract } from './ordering-contract.ts';
import { tenancyContract } from './tenancy-contract.ts';

export { makeEvent } from './make-event.ts';

const day = 86_400_000;

/**
 * What every Store engine must do. Each engine's test file calls this with a factory that
 * returns a fresh, empty, migrated store.
 */
export function storeContract(
  engine: string,
  open: () => Promise<Store>,
  skip: string | false = false,
): void {
  describe(`Store contract: ${engine}`, { skip }, () => {
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

    it('lists events between two ids in id order, of one source, without bodies', async () => {
      const source = `stream-${randomBytes(4).toString('hex')}`;
      const made = Array.from({ length: 5 }, (_, i) =>
        makeEvent({ source, dedupeKey: null, body: Buffer.from(`body ${i}`) }),
      );
      // Committed out of id order, as instances may: the listing is in id order all the same.
      await store.eventInsertBatch({ events: [made[3], made[1]].map((e) => e as NewEvent) });
      await store.eventInsertBatch({ events: [made[0], made[4], made[2]] as NewEvent[] });
      await store.eventInsertBatch({
        events: [makeEvent({ source: `${source}-other`, dedupeKey: null })],
      });
      const ids = made.map((e) => e.id);
      const all = await store.eventStreamList({
        after: 'evt_',
        before: 'evt_g',
        source,
        limit: 10,
      });
      assert.deepEqual(
        all.map((e) => e.id),
        ids,
      );
      assert.equal(all[0]?.bodyBytes, 6);
      assert.ok(!('body' in (all[0] ?? {})));
      const middle = await store.eventStreamList({
        after: ids[0] as string,
        before: ids[4] as string,
        source,
        limit: 2,
      });
      assert.deepEqual(
        middle.map((e) => e.id),
        ids.slice(1, 3),
      );
      // A bound may be a prefix (`evt_` and a millisecond's 12 hex digits).
      const prefix = (ids[2] as string).slice(0, 16);
      const fromPrefix = await store.eventStreamList({
        after: prefix,
        before: 'evt_g',
        source,
        limit: 10,
      });
      assert.ok(fromPrefix.every((e) => e.id > prefix));
      assert.ok(fromPrefix.some((e) => e.id === ids[2]));
    });

    it('records a forward made outside the gateway once: a delivery already over, its attempt', async () => {
      const e = makeEvent({ dedupeKey: null });
      await store.eventInsertBatch({ events: [e] });
      const attempt = {
        id: newId('att'),
        startedAt: t0,
        durationMs: 12,
        statusCode: 500,
        responseBody: 'local app broke',
        error: 'the local URL answered 500',
        errorClass: 'temporary' as const,
        requestBody: null,
      };
      const record = {
        deliveryId: newId('dlv'),
        eventId: e.id,
        route: 'hookgate listen',
        destination: 'listen:dev1',
        worker: 'dev1',
        attempt,
        state: 'skipped' as const,
        now: t0 + 5,
      };
      const recorded = await store.deliveryRecordForward(record);
      assert.ok(recorded !== undefined && recorded !== 'conflict');
      const made = recorded;
      assert.equal(made?.state, 'skipped');
      assert.equal(made?.origin, 'listen');
      assert.equal(made?.attempts, 1);
      assert.equal(made?.lastError, 'the local URL answered 500');
      // Reported again (its answer was lost): the same delivery, nothing more.
      const again = await store.deliveryRecordForward({ ...record, deliveryId: newId('dlv') });
      assert.equal(again !== 'conflict' && again?.id, made.id);
      // The same attempt id reported on another event, or an attempt id of a delivery the gateway
      // made: a conflict, never that delivery (it may be another tenant's).
      const other = makeEvent({
        dedupeKey: null,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: `fwd-${newId('dlv')}` }],
      });
      await store.eventInsertBatch({ events: [other] });
      assert.equal(
        await store.deliveryRecordForward({
          ...record,
          eventId: other.id,
          deliveryId: newId('dlv'),
        }),
        'conflict',
      );
      const [sent] = other.deliveries;
      assert.ok(sent);
      await settleDelivery(store, sent, 'delivered', t0 + 9);
      // Its own attempt's id, reported as a forward of that same event: still not a forward.
      const [gatewayAttempt] = await store.attemptListByDelivery({ deliveryId: sent.id });
      assert.ok(gatewayAttempt);
      assert.equal(
        await store.deliveryRecordForward({
          ...record,
          eventId: other.id,
          deliveryId: newId('dlv'),
          attempt: { ...attempt, id: gatewayAttempt.id },
        }),
        'conflict',
      );
      const deliveries = await store.deliveryListByEvent({ eventId: e.id });
      assert.deepEqual(
        deliveries.map((d) => d.id),
        [made?.id],
      );
      const attempts = await store.attemptListByDelivery({ deliveryId: made?.id as string });
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0]?.statusCode, 500);
      assert.equal(attempts[0]?.worker, 'dev1');
      assert.equal(attempts[0]?.responseBody, 'local app broke');
      assert.equal(
        await store.deliveryRecordForward({
          ...record,
          eventId: 'evt_missing',
          deliveryId: newId('dlv'),
          attempt: { ...attempt, id: newId('att') },
        }),
        undefined,
      );
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

    it('stores text holding a lone UTF-16 surrogate as U+FFFD, with the rest of its batch', async () => {
      // An id or type read from a signed JSON body can hold one ("\ud800" is valid JSON).
      const odd = makeEvent({
        source: 'surrogates',
        providerEventId: 'a\ud800b',
        eventType: 'x\udc00',
        dedupeKey: 'k\ud800',
      });
      const plain = makeEvent({ source: 'surrogates' });
      // Stored, both keys are "k\ufffd": the second is a duplicate of the first.
      const twin = makeEvent({ source: 'surrogates', dedupeKey: 'k\udc00' });
      const outcomes = await store.eventInsertBatch({ events: [odd, plain, twin] });
      assert.deepEqual(
        outcomes.map((o) => [o.status, o.eventId]),
        [
          ['stored', odd.id],
          ['stored', plain.id],
          ['duplicate', odd.id],
        ],
      );
      const stored = await store.eventGet({ id: odd.id });
      assert.equal(stored?.providerEventId, 'a\ufffdb');
      assert.equal(stored?.eventType, 'x\ufffd');
    });

    it('stores text holding NUL as U+FFFD, with the rest of its batch (the body stays exact)', async () => {
      // "\u0000" is valid JSON: a provider's event type or id can hold it, and a PostgreSQL
      // text cannot. One such event must not fail the batch it was committed with.
      const body = Buffer.from('{"type":"a\\u0000b","raw":"\u0000"}');
      const odd = makeEvent({
        source: 'nul',
        providerEventId: 'id\u0000',
        eventType: 'nul.\u0000.type',
        dedupeKey: 'k\u0000',
        requestId: 'r\u0000',
        body,
        deliveries: [
          { id: newId('dlv'), route: 'r', destination: 'nul-dest' },
          { id: newId('dlv'), route: 'o', destination: 'nul-ordered', orderingKey: 'nul/x\u0000' },
        ],
      });
      const plain = [makeEvent({ source: 'nul' }), makeEvent({ source: 'nul' })];
      // Stored, both keys are "k\ufffd": the second is a duplicate of the first.
      const twin = makeEvent({ source: 'nul', dedupeKey: 'k\ufffd' });
      const outcomes = await store.eventInsertBatch({
        events: [plain[0], odd, plain[1], twin] as NewEvent[],
      });
      assert.deepEqual(
        outcomes.map((o) => [o.status, o.eventId]),
        [
          ['stored', plain[0]?.id],
          ['stored', odd.id],
          ['stored', plain[1]?.id],
          ['duplicate', odd.id],
        ],
      );
      const stored = await store.eventGet({ id: odd.id });
      assert.equal(stored?.providerEventId, 'id\ufffd');
      assert.equal(stored?.eventType, 'nul.\ufffd.type');
      assert.equal(stored?.requestId, 'r\ufffd');
      assert.deepEqual(stored?.body, body);
      const deliveries = await store.deliveryListByEvent({ eventId: odd.id });
      assert.deepEqual(deliveries.map((d) => d.state).sort(), ['pending', 'pending']);
      // The filters compare text as stored: NUL asked for is U+FFFD found.
      const page = await store.eventSearch({
        filter: { source: 'nul', eventType: 'nul.\u0000.type' },
        limit: 5,
      });
      assert.deepEqual(
        page.events.map((e) => e.id),
        [odd.id],
      );
    });

    it('answers a lookup by an id or cursor holding NUL with nothing, never an error', async () => {
      // An operator's URL can carry %00; PostgreSQL text parameters cannot hold NUL.
      const odd = 'evt_\u0000';
      assert.equal(await store.eventGet({ id: odd }), undefined);
      assert.equal(await store.deliveryGet({ id: odd }), undefined);
      assert.equal(await store.jobGet({ id: odd }), undefined);
      assert.deepEqual(await store.deliveryListByEvent({ eventId: odd }), []);
      assert.deepEqual(await store.attemptListByDelivery({ deliveryId: odd }), []);
      assert.equal(await store.deliveryRequeue({ now: t0, id: odd }), 0);
      assert.deepEqual(await store.deliveryList({ limit: 1, before: odd, source: odd }), []);
      assert.deepEqual(await store.deadLetterList({ filter: {}, limit: 1, before: odd }), []);
      assert.ok(Array.isArray(await store.eventList({ limit: 1, before: odd })));
      assert.deepEqual(await store.orderingKeyList({ key: odd, destination: odd, limit: 1 }), []);
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

    it('stores the new events of a batch that also holds a duplicate of an earlier one', async () => {
      const route = (destination: string) => [{ id: newId('dlv'), route: 'r', destination }];
      const earlier = makeEvent({ source: 'mixed', dedupeKey: 'id:m1' });
      await store.eventInsertBatch({ events: [earlier] });
      const fresh = makeEvent({ source: 'mixed', dedupeKey: 'id:m2', deliveries: route('a') });
      const copy = makeEvent({ source: 'mixed', dedupeKey: 'id:m1', deliveries: route('b') });
      const outcomes = await store.eventInsertBatch({ events: [fresh, copy] });
      assert.deepEqual(outcomes, [
        { status: 'stored', eventId: fresh.id },
        { status: 'duplicate', eventId: earlier.id, duplicateCount: 1 },
      ]);
      assert.equal((await store.deliveryListByEvent({ eventId: fresh.id })).length, 1);
      assert.deepEqual(await store.deliveryListByEvent({ eventId: copy.id }), []);
      assert.equal(await store.eventCount({ source: 'mixed' }), 2);
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

    it('claims due deliveries with a lease, once, and again after the lease expires', async () => {
      const e = makeEvent({
        source: 'queue',
        dedupeKey: null,
        receivedAt: t0,
        deliveries: [
          { id: newId('dlv'), route: 'q1', destination: 'q-backend' },
          { id: newId('dlv'), route: 'q2', destination: 'q-audit' },
        ],
      });
      await store.eventInsertBatch({ events: [e] });
      const claim = (owner: string, now: number, destination = 'q-backend') =>
        store.deliveryClaimDue({ owner, destination, now, leaseUntil: now + 1000, limit: 10 });
      const a = await claim('worker-a', t0);
      assert.deepEqual(
        a.map((c) => c.delivery.destination),
        ['q-backend'],
      );
      assert.ok(a[0]?.event.body.equals(e.body));
      const b = await claim('worker-b', t0 + 10, 'q-audit');
      assert.deepEqual(
        b.map((c) => c.delivery.destination),
        ['q-audit'],
      );
      // worker-a's lease is live: nobody else gets that row until it expires.
      assert.equal((await claim('worker-c', t0 + 500)).length, 0);
      const c = await claim('worker-c', t0 + 1000);
      assert.deepEqual(
        c.map((x) => x.delivery.destination),
        ['q-backend'],
      );
      // The expired owner can no longer record; the new owner records exactly once.
      const attempt = {
        id: newId('att'),
        startedAt: t0 + 1001,
        durationMs: 3,
        statusCode: 200,
        responseBody: 'ok',
        requestBody: null,
        error: null,
        errorClass: null,
      };
      const outcome = {
        state: 'delivered' as const,
        nextAttemptAt: t0 + 1001,
        lastError: null,
        errorClass: null,
        deadReason: null,
        metadata: null,
        reasons: null,
      };
      const deliveryId = c[0]?.delivery.id as string;
      assert.equal(
        await store.attemptRecord({ deliveryId, owner: 'worker-a', attempt, outcome }),
        false,
      );
      assert.equal(
        await store.attemptRecord({ deliveryId, owner: 'worker-c', attempt, outcome }),
        true,
      );
      assert.equal(
        await store.attemptRecord({
          deliveryId,
          owner: 'worker-c',
          attempt: { ...attempt, id: newId('att') },
          outcome,
        }),
        false,
      );
      const attempts = await store.attemptListByDelivery({ deliveryId });
      assert.deepEqual(
        attempts.map((x) => [x.number, x.worker, x.statusCode, x.outcome]),
        [[1, 'worker-c', 200, 'delivered']],
      );
      const [delivered] = (await store.deliveryListByEvent({ eventId: e.id })).filter(
        (d) => d.id === deliveryId,
      );
      assert.equal(delivered?.state, 'delivered');
      assert.equal(delivered?.attempts, 1);
    });

    it('schedules retries, keeps every attempt of a dead delivery, and releases leases', async () => {
      const e = makeEvent({
        source: 'retry',
        dedupeKey: null,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: 'r-dest' }],
      });
      await store.eventInsertBatch({ events: [e] });
      const mine = async (owner: string, now: number) =>
        (
          await store.deliveryClaimDue({
            owner,
            destination: 'r-dest',
            now,
            leaseUntil: now + 60_000,
            limit: 50,
          })
        ).filter((c) => c.event.source === 'retry');
      const [first] = await mine('w', t0);
      const id = first?.delivery.id as string;
      const fail = (n: number, state: 'retry' | 'dead', next: number) =>
        store.attemptRecord({
          deliveryId: id,
          owner: 'w',
          attempt: {
            id: newId('att'),
            startedAt: t0 + n,
            durationMs: 1,
            statusCode: 503,
            responseBody: null,
            requestBody: null,
            error: 'HTTP 503',
            errorClass: 'temporary',
          },
          outcome: {
            state,
            nextAttemptAt: next,
            lastError: 'HTTP 503',
            errorClass: 'temporary',
            deadReason: state === 'dead' ? 'exhausted' : null,
            metadata: null,
            reasons: null,
          },
        });
      assert.equal(await fail(1, 'retry', t0 + 5000), true);
      assert.deepEqual(await mine('w', t0 + 4999), []);
      assert.equal((await mine('w', t0 + 5000)).length, 1);
      assert.equal(await fail(2, 'dead', t0 + 5000), true);
      assert.deepEqual(await mine('w', t0 + 10 ** 9), []);
      const [dead] = await store.deliveryListByEvent({ eventId: e.id });
      assert.equal(dead?.state, 'dead');
      assert.equal(dead?.deadReason, 'exhausted');
      assert.equal(dead?.errorClass, 'temporary');
      assert.equal(dead?.lastError, 'HTTP 503');
      assert.equal((await store.attemptListByDelivery({ deliveryId: id })).length, 2);

      const other = makeEvent({
        source: 'retry',
        dedupeKey: null,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: 'r-dest' }],
      });
      await store.eventInsertBatch({ events: [other] });
      assert.equal((await mine('quitter', t0)).length, 1);
      assert.equal(await store.deliveryReleaseLeases({ owner: 'quitter' }), 1);
      assert.equal((await mine('next', t0)).length, 1);
    });

    it('records attempt texts holding a lone UTF-16 surrogate or NUL as U+FFFD', async () => {
      const e = makeEvent({
        source: 'odd-attempt',
        dedupeKey: null,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: 'odd-dest' }],
      });
      await store.eventInsertBatch({ events: [e] });
      const claimed = await store.deliveryClaimDue({
        owner: 'w',
        destination: 'odd-dest',
        now: t0,
        leaseUntil: t0 + 60_000,
        limit: 50,
      });
      const id = claimed.find((c) => c.event.id === e.id)?.delivery.id as string;
      // A transform's message can quote a field of the body, where "\ud800" is valid JSON.
      const recorded = await store.attemptRecord({
        deliveryId: id,
        owner: 'w',
        attempt: {
          id: newId('att'),
          startedAt: t0,
          durationMs: 1,
          statusCode: null,
          responseBody: 'r\ud800\u0000',
          requestBody: '{"sku":"q\udc00"}',
          error: 'e\ud800\u0000',
          errorClass: 'validation',
        },
        outcome: {
          state: 'quarantined',
          nextAttemptAt: t0,
          lastError: 'l\ud800\u0000',
          errorClass: 'validation',
          deadReason: null,
          metadata: { ['n\ud800']: 'v\udc00\u0000' },
          reasons: ['sku "q\udc00" unknown'],
        },
      });
      assert.equal(recorded, true);
      const [attempt] = await store.attemptListByDelivery({ deliveryId: id });
      assert.equal(attempt?.responseBody, 'r\ufffd\ufffd');
      assert.equal(attempt?.requestBody, '{"sku":"q\ufffd"}');
      assert.equal(attempt?.error, 'e\ufffd\ufffd');
      const [delivery] = await store.deliveryListByEvent({ eventId: e.id });
      assert.equal(delivery?.lastError, 'l\ufffd\ufffd');
      assert.deepEqual(delivery?.reasons, ['sku "q\ufffd" unknown']);
      assert.deepEqual(delivery?.metadata, { ['n\ufffd']: 'v\ufffd\ufffd' });
    });

    it("merges the fields captured by each attempt into the delivery's metadata", async () => {
      const e = makeEvent({
        source: 'capture',
        dedupeKey: null,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: 'capture-dest' }],
      });
      await store.eventInsertBatch({ events: [e] });
      const record = async (at: number, metadata: Record<string, string> | null) => {
        const [claimed] = await store.deliveryClaimDue({
          owner: 'w',
          destination: 'capture-dest',
          now: at,
          leaseUntil: at + 60_000,
          limit: 1,
        });
        assert.ok(claimed, 'claimed');
        await store.attemptRecord({
          deliveryId: claimed.delivery.id,
          owner: 'w',
          attempt: {
            id: newId('att'),
            startedAt: at,
            durationMs: 1,
            statusCode: 500,
            responseBody: null,
            requestBody: null,
            error: 'HTTP 500',
            errorClass: 'temporary',
          },
          outcome: {
            state: 'retry',
            nextAttemptAt: at,
            lastError: 'HTTP 500',
            errorClass: 'temporary',
            deadReason: null,
            metadata,
            reasons: null,
          },
        });
        return (await store.deliveryGet({ id: claimed.delivery.id }))?.metadata;
      };
      assert.deepEqual((await store.deliveryListByEvent({ eventId: e.id }))[0]?.metadata, {});
      assert.deepEqual(await record(t0, { internalOrderId: 'ORD-1' }), {
        internalOrderId: 'ORD-1',
      });
      assert.deepEqual(await record(t0 + 1, null), { internalOrderId: 'ORD-1' });
      assert.deepEqual(await record(t0 + 2, { invoice: '7', internalOrderId: 'ORD-2' }), {
        internalOrderId: 'ORD-2',
        invoice: '7',
      });
    });

    it('skips paused destinations until resumed', async () => {
      const e = makeEvent({
        source: 'pause',
        dedupeKey: null,
        deliveries: [{ id: newId('dlv'), route: 'p', destination: 'p-dest' }],
      });
      await store.eventInsertBatch({ events: [e] });
      await store.destinationSetPaused({
        destination: 'p-dest',
        paused: true,
        reason: '410 Gone',
        now: t0,
      });
      assert.deepEqual(await store.destinationPausedList(), ['p-dest']);
      assert.equal((await store.deliveryListByEvent({ eventId: e.id }))[0]?.state, 'held');
      const claim = () =>
        store.deliveryClaimDue({
          owner: 'w',
          destination: 'p-dest',
          now: t0,
          leaseUntil: t0 + 1,
          limit: 50,
        });
      assert.equal((await claim()).filter((c) => c.delivery.destination === 'p-dest').length, 0);
      await store.destinationSetPaused({
        destination: 'p-dest',
        paused: false,
        reason: null,
        now: t0,
      });
      assert.equal((await claim()).filter((c) => c.delivery.destination === 'p-dest').length, 1);
    });

    it('stores a new delivery to a paused destination held, and makes it due on resume', async () => {
      await store.destinationSetPaused({
        destination: 'h-paused',
        paused: true,
        reason: 'maintenance',
        now: t0,
      });
      const e = makeEvent({
        source: 'held',
        dedupeKey: null,
        deliveries: [
          { id: newId('dlv'), route: 'a', destination: 'h-paused' },
          { id: newId('dlv'), route: 'b', destination: 'h-open' },
        ],
      });
      await store.eventInsertBatch({ events: [e] });
      const states = async () =>
        Object.fromEntries(
          (await store.deliveryListByEvent({ eventId: e.id })).map((d) => [d.destination, d.state]),
        );
      assert.deepEqual(await states(), { 'h-paused': 'held', 'h-open': 'pending' });
      const claim = (destination: string, now: number) =>
        store.deliveryClaimDue({ owner: 'w', destination, now, leaseUntil: now + 1, limit: 50 });
      assert.equal((await claim('h-paused', t0)).length, 0);
      await store.destinationSetPaused({
        destination: 'h-paused',
        paused: false,
        reason: null,
        now: t0 + 5,
      });
      assert.deepEqual(await states(), { 'h-paused': 'pending', 'h-open': 'pending' });
      assert.equal((await claim('h-paused', t0 + 5)).length, 1);
    });

    it('lists deliveries by state, source and destination, and requeues dead ones with a fresh budget', async () => {
      const events = [0, 1, 2].map((i) =>
        makeEvent({
          source: i === 2 ? 'dlq-other' : 'dlq',
          dedupeKey: null,
          receivedAt: t0 + i,
          deliveries: [{ id: newId('dlv'), route: 'd', destination: 'dlq-dest' }],
        }),
      );
      await store.eventInsertBatch({ events });
      const ids: string[] = [];
      for (let i = 0; i < events.length; i += 1) {
        const [claimed] = await store.deliveryClaimDue({
          owner: 'w',
          destination: 'dlq-dest',
          now: t0 + 10,
          leaseUntil: t0 + 100,
          limit: 1,
        });
        assert.ok(claimed);
        ids.push(claimed.delivery.id);
        await store.attemptRecord({
          deliveryId: claimed.delivery.id,
          owner: 'w',
          attempt: {
            id: newId('att'),
            startedAt: t0 + 11,
            durationMs: 1,
            statusCode: 400,
            responseBody: null,
            requestBody: null,
            error: 'HTTP 400',
            errorClass: 'validation',
          },
          outcome: {
            state: 'dead',
            nextAttemptAt: t0 + 11,
            lastError: 'HTTP 400',
            errorClass: 'validation',
            deadReason: 'permanent',
            metadata: null,
            reasons: null,
          },
        });
      }
      const dead = await store.deliveryList({ state: 'dead', destination: 'dlq-dest', limit: 10 });
      assert.equal(dead.length, 3);
      assert.deepEqual(dead.map((d) => d.source).sort(), ['dlq', 'dlq', 'dlq-other']);
      assert.equal(
        (await store.deliveryList({ state: 'dead', source: 'dlq', limit: 10 })).length,
        2,
      );
      const page = await store.deliveryList({
        destination: 'dlq-dest',
        limit: 1,
        before: dead[0]?.id,
      });
      assert.equal(page[0]?.id, dead[1]?.id);

      assert.equal(
        await store.deliveryRequeue({
          now: t0 + 20,
          filter: { source: 'dlq', destination: 'dlq-dest' },
        }),
        2,
      );
      assert.equal(await store.deliveryRequeue({ now: t0 + 20, id: ids[2] as string }), 1);
      const again = await store.deliveryGet({ id: ids[0] as string });
      assert.equal(again?.state, 'pending');
      assert.equal(again?.attempts, 1);
      assert.equal(again?.attemptBase, 1);
      assert.equal(again?.deadReason, null);
      assert.equal(again?.nextAttemptAt, t0 + 20);
      const reclaimed = await store.deliveryClaimDue({
        owner: 'w2',
        destination: 'dlq-dest',
        now: t0 + 20,
        leaseUntil: t0 + 100,
        limit: 10,
      });
      assert.equal(reclaimed.length, 3);
      // The next attempt is number 2: history is kept, numbering continues.
      const ok = await store.attemptRecord({
        deliveryId: ids[0] as string,
        owner: 'w2',
        attempt: {
          id: newId('att'),
          startedAt: t0 + 21,
          durationMs: 1,
          statusCode: 200,
          responseBody: null,
          requestBody: null,
          error: null,
          errorClass: null,
        },
        outcome: {
          state: 'delivered',
          nextAttemptAt: t0 + 21,
          lastError: null,
          errorClass: null,
          deadReason: null,
          metadata: null,
          reasons: null,
        },
      });
      assert.equal(ok, true);
      assert.deepEqual(
        (await store.attemptListByDelivery({ deliveryId: ids[0] as string })).map((a) => a.number),
        [1, 2],
      );
      assert.equal(
        await store.deliveryRequeue({ now: t0 + 30, id: ids[0] as string }),
        0,
        'delivered is final',
      );
    });

    it('requeues by id and by filter from the same states: never a skipped or delivered one', async () => {
      const events = (['skipped', 'delivered', 'dead'] as const).map((state, i) => ({
        state,
        event: makeEvent({
          source: 'states',
          dedupeKey: null,
          receivedAt: t0 + i,
          deliveries: [{ id: newId('dlv'), route: 's', destination: 'states-dest' }],
        }),
      }));
      await store.eventInsertBatch({ events: events.map((e) => e.event) });
      const claimed = await store.deliveryClaimDue({
        owner: 'w',
        destination: 'states-dest',
        now: t0 + 10,
        leaseUntil: t0 + 100,
        limit: 10,
      });
      assert.equal(claimed.length, 3);
      for (const { state, event } of events) {
        const delivery = claimed.find((c) => c.event.id === event.id)?.delivery;
        assert.ok(delivery);
        await store.attemptRecord({
          deliveryId: delivery.id,
          owner: 'w',
          attempt: {
            id: newId('att'),
            startedAt: t0 + 11,
            durationMs: 0,
            statusCode: null,
            responseBody: null,
            requestBody: null,
            error: null,
            errorClass: null,
          },
          outcome: {
            state,
            nextAttemptAt: t0 + 11,
            lastError: null,
            errorClass: null,
            deadReason: state === 'dead' ? 'permanent' : null,
            metadata: null,
            reasons: null,
          },
        });
      }
      for (const state of ['skipped', 'delivered'] as const) {
        assert.equal(
          await store.deliveryRequeue({ now: t0 + 20, filter: { state, source: 'states' } }),
          0,
          `requeue by filter leaves ${state} alone`,
        );
        const id = claimed.find(
          (c) => c.event.id === events.find((e) => e.state === state)?.event.id,
        )?.delivery.id as string;
        assert.equal(await store.deliveryRequeue({ now: t0 + 20, id }), 0, `by id: ${state}`);
      }
      assert.equal(
        await store.deliveryRequeue({ now: t0 + 20, filter: { state: 'dead', source: 'states' } }),
        1,
      );
    });

    it(
      'wakes listeners when deliveries become due: new events, requeues, resumed destinations',
      {
        skip: engine.startsWith('sqlite')
          ? 'SQLite serves one process, whose commits wake its own dispatcher: no channel'
          : false,
      },
      async () => {
        let woken = 0;
        let connected = false;
        const listener = store.deliveryDueListen({
          onDue: () => (woken += 1),
          onConnection: (up) => (connected = up),
        });
        try {
          const waitForWake = async (what: string) => {
            const from = woken;
            for (let i = 0; i < 200 && woken === from; i += 1) await sleep(10);
            assert.ok(woken > from, `no wake-up after ${what}`);
          };
          await waitForWake('connecting');
          assert.equal(connected, true);
          const e = makeEvent({
            source: 'wake',
            dedupeKey: null,
            deliveries: [{ id: newId('dlv'), route: 'w', destination: 'wake-dest' }],
          });
          await Promise.all([store.eventInsertBatch({ events: [e] }), waitForWake('an insert')]);
          const id = e.deliveries[0]?.id as string;
          await Promise.all([store.deliveryRequeue({ now: t0, id }), waitForWake('a requeue')]);
          await store.destinationSetPaused({
            destination: 'wake-dest',
            paused: true,
            reason: 'test',
            now: t0,
          });
          await Promise.all([
            store.destinationSetPaused({
              destination: 'wake-dest',
              paused: false,
              reason: null,
              now: t0,
            }),
            waitForWake('a resume'),
          ]);
          // An event without deliveries makes nothing due: no wake-up.
          const before = woken;
          await store.eventInsertBatch({
            events: [makeEvent({ source: 'wake', dedupeKey: null })],
          });
          await sleep(100);
          assert.equal(woken, before);
        } finally {
          await listener.close();
        }
      },
    );

    orderingContract(() => store, makeEvent);

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

    monitoringContract(() => store);
    // Search, replay, dead letters, jobs, retention: after the cases above (see that file).
    operationsContract(() => store);
    // Tenant isolation: last, on rows of its own tenants.
    tenancyContract(() => store);
  });
}
