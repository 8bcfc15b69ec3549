/**
 * The store operations of search, replay, dead-letter review, jobs and retention, as every engine
 * must do them. Called from the one contract suite (store-contract.ts) with its store, after the
 * other cases: it uses sources and destinations of its own, and its retention cases prune only
 * events received long before everything else.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newId } from '../../src/domain/ids.ts';
import { smallSet } from '../../src/store/search-planner.ts';
import { InvalidCursorError, type SearchOrder } from '../../src/store/search.ts';
import type {
  AttemptOutcome,
  Delivery,
  EventFilter,
  NewEvent,
  Store,
} from '../../src/store/store.ts';
import { makeEvent } from './store-contract.ts';

const t0 = Date.UTC(2026, 0, 1);
const day = 86_400_000;
const minute = 60_000;

/** Claims the delivery and records one attempt that leaves it in `state`. */
export async function settleDelivery(
  store: Store,
  d: { id: string; destination: string },
  state: AttemptOutcome['state'],
  at: number,
  error: string | null = state === 'delivered' ? null : 'HTTP 503',
): Promise<void> {
  const claimed = await store.deliveryClaimDue({
    owner: 'ops',
    destination: d.destination,
    now: at,
    leaseUntil: at + minute,
    limit: 100,
  });
  assert.ok(
    claimed.some((c) => c.delivery.id === d.id),
    `claimed ${d.id}`,
  );
  const recorded = await store.attemptRecord({
    deliveryId: d.id,
    owner: 'ops',
    attempt: {
      id: newId('att'),
      startedAt: at,
      durationMs: 5,
      statusCode: state === 'delivered' ? 200 : 503,
      responseBody: null,
      requestBody: null,
      error,
      errorClass: error === null ? null : 'temporary',
    },
    outcome: {
      state,
      nextAttemptAt: at + minute,
      lastError: error,
      errorClass: error === null ? null : 'temporary',
      deadReason: state === 'dead' ? 'exhausted' : null,
      metadata: null,
      reasons: null,
    },
  });
  assert.ok(
    recorded,
    `recorded ${d.id} ${JSON.stringify(claimed.map((c) => [c.delivery.id, c.delivery.state]))}`,
  );
  await store.deliveryReleaseLeases({ owner: 'ops' });
}

async function indexAll(store: Store): Promise<void> {
  while ((await store.searchIndexCatchUp({ limit: 50 })) > 0);
  assert.equal(await store.searchIndexBacklog(), 0);
}

/** Every page of a search, following `next`; the ids in order. */
async function allPages(
  store: Store,
  filter: EventFilter,
  limit = 2,
  order: SearchOrder = 'desc',
): Promise<string[]> {
  const ids: string[] = [];
  let before: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await store.eventSearch({ filter, limit, order, ...(before ? { before } : {}) });
    ids.push(...page.events.map((e) => e.id));
    if (page.next === null) return ids;
    before = page.next;
  }
  throw new Error('more than 100 pages');
}

export function operationsContract(store: () => Store): void {
  const events: NewEvent[] = [];
  const made = (i: number) => events[i] as NewEvent;
  const searchSource = 'ops-search';

  it('searches events by every filter, newest first, paging with a stable cursor', async () => {
    const s = store();
    const spec = [
      {
        type: 'order.created',
        provider: 'talabat',
        body: '{"customer":"Fatima Khalil","order":"ord_1001"}',
      },
      {
        type: 'order.updated',
        provider: 'talabat',
        body: '{"customer":"Omar Saleh","order":"ord_1002"}',
      },
      {
        type: 'invoice.paid',
        provider: 'stripe',
        body: '{"customer":"Khalil Fatima","note":"reversed"}',
      },
      {
        type: 'order.created',
        provider: 'talabat',
        body: '{"customer":"fatima khalil","order":"ord_1004"}',
      },
      { type: 'push', provider: 'github', body: 'not json \u0000 but text: deploy finished' },
    ];
    for (const [i, e] of spec.entries()) {
      events.push(
        makeEvent({
          source: i === 4 ? 'ops-search-gh' : searchSource,
          provider: e.provider,
          eventType: e.type,
          providerEventId: `ops-pe-${i}`,
          requestId: `ops-req-${i}`,
          dedupeKey: null,
          receivedAt: t0 + i * minute,
          body: Buffer.from(e.body),
          deliveries: [{ id: newId('dlv'), route: 'r', destination: i % 2 ? 'ops-a' : 'ops-b' }],
        }),
      );
    }
    await s.eventInsertBatch({ events });
    await settleDelivery(s, { ...(made(1).deliveries[0] as Delivery) }, 'dead', t0 + 10 * minute);
    await settleDelivery(
      s,
      { ...(made(2).deliveries[0] as Delivery) },
      'delivered',
      t0 + 10 * minute,
    );
    assert.ok((await s.searchIndexBacklog()) >= 5);
    await indexAll(s);

    const ids = (...is: number[]) => is.map((i) => made(i).id);
    const within = { since: t0, until: t0 + day };
    const cases: [EventFilter, string[]][] = [
      [{ source: searchSource }, ids(3, 2, 1, 0)],
      [{ provider: 'talabat', ...within }, ids(3, 1, 0)],
      [{ eventType: 'order.created', source: searchSource }, ids(3, 0)],
      [{ eventTypePrefix: 'order.', source: searchSource }, ids(3, 1, 0)],
      [{ providerEventId: 'ops-pe-2' }, ids(2)],
      [{ requestId: 'ops-req-4' }, ids(4)],
      [{ source: searchSource, since: t0 + minute, until: t0 + 3 * minute }, ids(2, 1)],
      [{ state: 'dead', source: searchSource }, ids(1)],
      [{ state: 'pending', destination: 'ops-b' }, ids(4, 0)],
      [{ destination: 'ops-a', ...within }, ids(3, 1)],
      // Body text: the words in order, next to each other, any case.
      [{ q: 'fatima KHALIL', ...within }, ids(3, 0)],
      [{ q: 'ord_1002' }, ids(1)],
      [{ q: 'deploy finished' }, ids(4)],
      [{ q: 'khalil', source: searchSource, state: 'delivered' }, ids(2)],
      [{ q: 'fatima', eventTypePrefix: 'invoice' }, ids(2)],
    ];
    for (const [filter, expected] of cases) {
      assert.deepEqual(await allPages(s, filter), expected, JSON.stringify(filter));
      // Oldest first (bulk replay jobs walk so): the same events, in the other order, paged.
      assert.deepEqual(
        await allPages(s, filter, 2, 'asc'),
        [...expected].reverse(),
        `asc ${JSON.stringify(filter)}`,
      );
      assert.deepEqual(
        await s.eventSearchCount({ filter, cap: 100 }),
        { count: expected.length, exact: true },
        `count ${JSON.stringify(filter)}`,
      );
    }
    const page = await s.eventSearch({ filter: { source: searchSource }, limit: 10 });
    assert.equal(page.next, null);
    const first = page.events[0];
    assert.equal(first?.id, made(3).id);
    assert.equal(first?.bodyBytes, made(3).body.length);
    assert.equal(first?.eventType, 'order.created');
    assert.equal('body' in (first ?? {}), false);
    // A cursor stays valid while newer events arrive.
    const p1 = await s.eventSearch({ filter: { source: searchSource }, limit: 2 });
    await s.eventInsertBatch({
      events: [makeEvent({ source: searchSource, dedupeKey: null, receivedAt: t0 + 30 * minute })],
    });
    const p2 = await s.eventSearch({
      filter: { source: searchSource },
      limit: 2,
      before: p1.next as string,
    });
    assert.deepEqual(
      p2.events.map((e) => e.id),
      ids(1, 0),
    );
    // Past the cap an engine may count on or estimate; `exact` says which.
    const capped = await s.eventSearchCount({ filter: { source: searchSource }, cap: 2 });
    assert.ok(capped.exact ? capped.count === 5 : capped.count >= 2, JSON.stringify(capped));
    await assert.rejects(
      s.eventSearch({ filter: {}, limit: 5, before: 'not a cursor' }),
      InvalidCursorError,
    );
  });

  it('pages oldest first through a filter checked event by event (many matches), as newest first', async () => {
    const s = store();
    // More events than the planner reads as a set: the destination is checked per event.
    const walk = Array.from({ length: smallSet + 120 }, (_, i) =>
      makeEvent({
        source: 'ops-walk',
        dedupeKey: null,
        receivedAt: t0 + Math.floor(i / 3) * 1000,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: 'ops-walk-d' }],
      }),
    );
    await s.eventInsertBatch({ events: walk });
    const filter = { source: 'ops-walk', destination: 'ops-walk-d' };
    const newest = await allPages(s, filter, 250);
    assert.equal(newest.length, walk.length);
    assert.deepEqual(await allPages(s, filter, 250, 'asc'), [...newest].reverse());
    // The first page oldest first is the oldest millisecond.
    const oldest = await s.eventSearch({ filter, limit: 3, order: 'asc' });
    assert.deepEqual(
      oldest.events.map((e) => e.receivedAt),
      [t0, t0, t0],
    );
  });

  it('takes hostile bytes in a text query and in filters as data, never as syntax', async () => {
    const s = store();
    const hostile = [
      'NEAR(fatima khalil)',
      '-khalil',
      'fatima" OR "x',
      "khalil'; DROP TABLE events; --",
      'fatima\u0000khalil',
      '\ud800fatima\udc00 khalil 🎉',
      '{col}:khalil ^fatima',
      `khalil ${'x'.repeat(10_000)}`,
    ];
    for (const q of hostile) {
      const page = await s.eventSearch({ filter: { q, source: searchSource }, limit: 10 });
      assert.ok(Array.isArray(page.events), q.slice(0, 20));
      await s.eventSearchCount({ filter: { q, source: searchSource }, cap: 10 });
    }
    // The punctuation is only separators: the words still match.
    const words = await s.eventSearch({ filter: { q: '"fatima*" -khalil' }, limit: 10 });
    assert.deepEqual(
      words.events.map((e) => e.id).filter((id) => events.some((e) => e.id === id)),
      [made(3).id, made(0).id],
    );
    // No word at all: refused (the admin API answers 400 before it gets here).
    for (const q of ['"', '*', '🎉 "*" -', '\u0000', '\ud800', ''])
      await assert.rejects(
        s.eventSearch({ filter: { q }, limit: 10 }),
        RangeError,
        JSON.stringify(q),
      );
    for (const value of ['nothing\u0000stored', '\ud800', '🎉', "'; --", '%', '_']) {
      for (const filter of [
        { source: value },
        { provider: value },
        { eventType: value },
        { eventTypePrefix: value },
        { providerEventId: value },
        { requestId: value },
        { destination: value },
      ] as EventFilter[]) {
        const page = await s.eventSearch({ filter, limit: 5 });
        assert.deepEqual(page.events, [], JSON.stringify(filter));
      }
    }
  });

  it('replays an event as new deliveries linked to the original; held while paused; the event unchanged', async () => {
    const s = store();
    const e = made(2);
    const original = (await s.deliveryListByEvent({ eventId: e.id }))[0] as Delivery;
    await s.destinationSetPaused({ destination: 'ops-paused', paused: true, reason: 't', now: t0 });
    const replays = await s.deliveryReplay({
      now: t0 + day,
      replays: [
        {
          id: newId('dlv'),
          eventId: e.id,
          route: 'r',
          destination: original.destination,
          replayOf: original.id,
        },
        { id: newId('dlv'), eventId: e.id, route: 'new', destination: 'ops-new', replayOf: null },
        {
          id: newId('dlv'),
          eventId: e.id,
          route: 'new',
          destination: 'ops-paused',
          replayOf: null,
        },
        {
          id: newId('dlv'),
          eventId: 'evt_missing',
          route: 'new',
          destination: 'ops-new',
          replayOf: null,
        },
      ],
    });
    assert.deepEqual(
      replays.map((d) => [d.destination, d.state, d.origin, d.replayOf, d.jobId, d.nextAttemptAt]),
      [
        [original.destination, 'pending', 'replay', original.id, null, t0 + day],
        ['ops-new', 'pending', 'replay', null, null, t0 + day],
        ['ops-paused', 'held', 'replay', null, null, t0 + day],
      ],
    );
    const after = await s.deliveryListByEvent({ eventId: e.id });
    assert.equal(after.length, 4);
    assert.equal(after.find((d) => d.id === original.id)?.state, 'delivered');
    assert.equal(after.find((d) => d.id === original.id)?.origin, 'ingest');
    const stored = await s.eventGet({ id: e.id });
    assert.ok(stored?.body.equals(e.body));
    assert.equal(stored?.duplicateCount, 0);
    const claimed = await s.deliveryClaimDue({
      owner: 'ops-r',
      destination: 'ops-new',
      now: t0 + day,
      leaseUntil: t0 + day + minute,
      limit: 10,
    });
    assert.deepEqual(
      claimed.map((c) => [c.delivery.id, c.event.id]),
      [[replays[1]?.id, e.id]],
    );
    await s.deliveryReleaseLeases({ owner: 'ops-r' });
  });

  it('runs a job under a lease: each step makes its replays once, and stops when paused or cancelled', async () => {
    const s = store();
    const now = t0 + 2 * day;
    const job = await s.jobCreate({
      job: {
        id: 'job_ops_1',
        kind: 'replay',
        params: { filter: { source: searchSource } },
        total: 3,
        createdBy: 'tester',
        now,
      },
    });
    assert.deepEqual(
      [job.state, job.total, job.done, job.failed, job.cursor, job.createdBy],
      ['running', 3, 0, 0, null, 'tester'],
    );
    assert.deepEqual(job.params, { filter: { source: searchSource } });
    const a = await s.jobClaim({ kind: 'replay', owner: 'a', now, leaseUntil: now + minute });
    assert.equal(a?.id, 'job_ops_1');
    assert.equal(
      await s.jobClaim({ kind: 'replay', owner: 'b', now: now + 1, leaseUntil: now + minute }),
      undefined,
    );
    const step = (owner: string, ids: string[], extra: object = {}) =>
      s.jobAdvance({
        id: 'job_ops_1',
        owner,
        now,
        leaseUntil: now + minute,
        replays: [made(0), made(1)].map((e, i) => ({
          id: ids[i] as string,
          eventId: e.id,
          route: 'r',
          destination: 'ops-job',
          replayOf: null,
        })),
        cursor: 'c1',
        done: 2,
        failed: 0,
        ...extra,
      });
    assert.equal(await step('b', [newId('dlv'), newId('dlv')]), false, 'not the lease holder');
    assert.equal(await step('a', [newId('dlv'), newId('dlv')]), true);
    // The same step again (a crash before the runner knew it committed): nothing twice.
    assert.equal(await step('a', [newId('dlv'), newId('dlv')]), true);
    const counts = await s.deliveryCountByState({ jobId: 'job_ops_1' });
    assert.equal(counts.pending, 2);
    assert.equal(
      Object.values(counts).reduce((x, y) => x + y, 0),
      2,
    );
    // The lease expires: another instance takes the job over.
    const b = await s.jobClaim({
      kind: 'replay',
      owner: 'b',
      now: now + minute,
      leaseUntil: now + 2 * minute,
    });
    assert.equal(b?.cursor, 'c1');
    assert.equal(b?.done, 4);
    assert.equal(await step('a', [newId('dlv'), newId('dlv')]), false, 'lease lost');
    assert.equal((await s.jobControl({ id: 'job_ops_1', action: 'pause', now }))?.state, 'paused');
    assert.equal(await step('b', [newId('dlv'), newId('dlv')]), false, 'paused');
    assert.equal(
      await s.jobClaim({ kind: 'replay', owner: 'b', now, leaseUntil: now + minute }),
      undefined,
    );
    assert.equal((await s.jobControl({ id: 'job_ops_1', action: 'pause', now }))?.state, 'paused');
    assert.equal(
      (await s.jobControl({ id: 'job_ops_1', action: 'resume', now }))?.state,
      'running',
    );
    assert.equal(
      (await s.jobClaim({ kind: 'replay', owner: 'b', now, leaseUntil: now + minute }))?.id,
      'job_ops_1',
    );
    assert.equal(
      await step('b', [newId('dlv'), newId('dlv')], {
        cursor: 'c2',
        done: 1,
        failed: 1,
        finish: { state: 'completed', error: null },
      }),
      true,
    );
    const done = await s.jobGet({ id: 'job_ops_1' });
    assert.deepEqual(
      [done?.state, done?.done, done?.failed, done?.cursor, done?.leaseOwner, done?.finishedAt],
      ['completed', 5, 1, 'c2', null, now],
    );
    assert.equal(
      (await s.jobControl({ id: 'job_ops_1', action: 'cancel', now }))?.state,
      'completed',
    );
    await s.jobCreate({
      job: { id: 'job_ops_2', kind: 'replay', params: {}, total: 0, createdBy: null, now },
    });
    assert.equal(
      (await s.jobControl({ id: 'job_ops_2', action: 'cancel', now }))?.state,
      'cancelled',
    );
    assert.equal(await s.jobControl({ id: 'job_nope', action: 'cancel', now }), undefined);
    assert.deepEqual(
      (await s.jobList({ limit: 10 })).map((j) => j.id).filter((id) => id.startsWith('job_ops')),
      ['job_ops_2', 'job_ops_1'],
    );
    await s.jobCreate({
      job: { id: 'job_ops_3', kind: 'replay', params: {}, total: 0, createdBy: null, now },
    });
    await s.jobClaim({ kind: 'replay', owner: 'c', now, leaseUntil: now + day });
    assert.equal(await s.jobReleaseLeases({ owner: 'c' }), 1);
    await s.jobControl({ id: 'job_ops_3', action: 'cancel', now });
  });

  it('works the dead-letter queue: filters, review, requeue, discard, purge and statistics', async () => {
    const s = store();
    const at = t0 + 3 * day;
    const dl = [0, 1, 2, 3].map((i) =>
      makeEvent({
        source: i < 3 ? 'ops-dlq' : 'ops-dlq-2',
        provider: i < 3 ? 'stripe' : 'github',
        dedupeKey: null,
        receivedAt: at + i * minute,
        deliveries: [
          { id: newId('dlv'), route: 'r', destination: i % 2 ? 'ops-dlq-a' : 'ops-dlq-b' },
        ],
      }),
    );
    await s.eventInsertBatch({ events: dl });
    for (const [i, e] of dl.entries())
      await settleDelivery(
        s,
        e.deliveries[0] as Delivery,
        'dead',
        at + 10 * minute + i,
        i === 2 ? 'connect ECONNREFUSED 10.0.0.7:8443' : `HTTP 50${i}`,
      );
    const dead = (i: number) => (dl[i]?.deliveries[0] as Delivery).id;
    const list = async (filter: object) =>
      (await s.deadLetterList({ filter, limit: 50 })).map((d) => d.id);
    assert.deepEqual(await list({ source: 'ops-dlq' }), [dead(2), dead(1), dead(0)]);
    assert.deepEqual(await list({ destination: 'ops-dlq-a', receivedSince: at }), [
      dead(3),
      dead(1),
    ]);
    assert.deepEqual(await list({ provider: 'github', receivedSince: at }), [dead(3)]);
    assert.deepEqual(
      await list({ errorClass: 'temporary', deadReason: 'exhausted', source: 'ops-dlq-2' }),
      [dead(3)],
    );
    assert.deepEqual(await list({ deadReason: 'permanent', source: 'ops-dlq' }), []);
    assert.deepEqual(await list({ receivedSince: at + minute, receivedUntil: at + 3 * minute }), [
      dead(2),
      dead(1),
    ]);
    assert.deepEqual(
      await list({ deadSince: at + 10 * minute + 6, deadUntil: at + 10 * minute + 8 }),
      [dead(2), dead(1)],
    );
    const one = (await s.deadLetterList({ filter: { source: 'ops-dlq-2' }, limit: 1 }))[0];
    assert.deepEqual(
      [one?.review, one?.provider, one?.source, one?.receivedAt, one?.deadAt, one?.lastError],
      ['failed', 'github', 'ops-dlq-2', at + 3 * minute, at + 10 * minute + 3 + 5, 'HTTP 503'],
    );

    const act = (
      action: 'review' | 'requeue' | 'discard',
      target: object,
      note: string | null = null,
    ) =>
      s.deadLetterAct({
        action,
        target: target as { id: string },
        actor: 'ana',
        note,
        now: at + day,
      });
    assert.equal(await act('review', { id: dead(0) }, 'looking 🎉\ud800'), 1);
    const reviewing = (
      await s.deadLetterList({ filter: { review: 'reviewing', source: 'ops-dlq' }, limit: 5 })
    )[0];
    assert.deepEqual(
      [
        reviewing?.id,
        reviewing?.review,
        reviewing?.reviewedBy,
        reviewing?.reviewedAt,
        reviewing?.reviewNote,
      ],
      [dead(0), 'reviewing', 'ana', at + day, 'looking 🎉\ufffd'],
    );
    assert.deepEqual(await list({ review: 'failed', source: 'ops-dlq' }), [dead(2), dead(1)]);
    assert.equal(await act('requeue', { id: dead(0) }), 1);
    const requeued = await s.deliveryGet({ id: dead(0) });
    assert.deepEqual(
      [requeued?.state, requeued?.reviewState, requeued?.attemptBase, requeued?.nextAttemptAt],
      ['pending', 'requeued', 1, at + day],
    );
    assert.equal(await act('requeue', { id: dead(0) }), 0, 'no longer a dead letter');
    assert.equal(
      await act('discard', { filter: { destination: 'ops-dlq-a', receivedSince: at } }, 'gone'),
      2,
    );
    assert.deepEqual(await list({ review: 'discarded', receivedSince: at }), [dead(3), dead(1)]);
    // Bounded on both sides: other contract cases leave dead letters later in time.
    assert.deepEqual(await list({ receivedSince: at, receivedUntil: at + day }), [dead(2)]);
    assert.equal(await act('review', { id: dead(1) }), 0, 'a discarded one is not reviewed again');

    const stats = await s.deadLetterStats({
      since: at,
      attentionBefore: at + 10 * minute + 3,
      sample: 100,
    });
    assert.ok(stats.dead >= 1);
    assert.ok(stats.byReview.discarded >= 2);
    assert.equal(stats.byDestination['ops-dlq-b'], 1);
    assert.equal(stats.bySource['ops-dlq'], 1);
    assert.ok(stats.errors.some((x) => x.error === 'connect ECONNREFUSED 10.0.0.7:8443'));
    const rate = stats.ratesByDestination.find((r) => r.name === 'ops-dlq-a');
    assert.deepEqual([rate?.total, rate?.dead], [2, 2]);
    const bySource = stats.ratesBySource.find((r) => r.name === 'ops-dlq');
    assert.deepEqual([bySource?.total, bySource?.dead], [3, 2]);
    assert.ok(stats.attention.count >= 1);
    for (const d of stats.attention.oldest) {
      assert.equal(d.review, 'failed');
      assert.ok(d.deadAt < at + 10 * minute + 3);
    }

    const purged = await s.deadLetterPurge({ discardedBefore: at + day + 1, limit: 1 });
    assert.deepEqual([purged.deliveries, purged.attempts], [1, 1]);
    await s.deadLetterPurge({ limit: 100 });
    assert.equal(await s.deliveryGet({ id: dead(1) }), undefined);
    assert.equal(await s.deliveryGet({ id: dead(3) }), undefined);
    assert.deepEqual(await s.attemptListByDelivery({ deliveryId: dead(3) }), []);
    assert.ok(await s.eventGet({ id: dl[3]?.id as string }), 'the event stays');
  });

  it('prunes old events nothing keeps, in steps, with their deliveries, attempts, keys and search entries', async () => {
    const s = store();
    const old = t0 - 100 * day;
    const cutoff = t0 - 50 * day;
    const now = t0 + 10 * day;
    const mk = (i: number, extra: Partial<NewEvent> = {}) =>
      makeEvent({
        source: 'ops-prune',
        requestId: `ops-prune-req-${i}`,
        dedupeKey: `ops-prune-${i}`,
        dedupeUntil: old + day,
        receivedAt: old + i * minute,
        body: Buffer.from(`{"word":"prunable${i} zqxprune"}`),
        deliveries: [{ id: newId('dlv'), route: 'r', destination: 'ops-prune' }],
        ...extra,
      });
    const gone = [0, 1, 2, 3, 4].map((i) => mk(i));
    const owed = mk(5);
    const deadLetter = mk(6);
    const openWindow = mk(7, { dedupeUntil: now + day });
    const noDeliveries = mk(8, { deliveries: [] });
    // A newer event last: an engine may keep its newest event whatever its age (SQLite does).
    const newer = mk(9, { receivedAt: now, deliveries: [] });
    await s.eventInsertBatch({
      events: [...gone, owed, deadLetter, openWindow, noDeliveries, newer],
    });
    for (const e of [...gone, openWindow])
      await settleDelivery(s, e.deliveries[0] as Delivery, 'delivered', old + day);
    await settleDelivery(s, deadLetter.deliveries[0] as Delivery, 'dead', old + day);
    await indexAll(s);
    assert.equal((await s.eventSearch({ filter: { q: 'zqxprune' }, limit: 20 })).events.length, 10);

    let next: string | null | undefined;
    let total = { events: 0, deliveries: 0, attempts: 0 };
    let steps = 0;
    do {
      const r = await s.eventPrune({
        receivedBefore: cutoff,
        now,
        limit: 2,
        ...(next ? { after: next } : {}),
      });
      total = {
        events: total.events + r.events,
        deliveries: total.deliveries + r.deliveries,
        attempts: total.attempts + r.attempts,
      };
      next = r.next;
      steps++;
    } while (next !== null && steps < 50);
    assert.deepEqual(total, { events: 6, deliveries: 5, attempts: 5 });
    assert.ok(steps >= 3, `${steps} steps of at most 2`);
    for (const e of [...gone, noDeliveries])
      assert.equal(await s.eventGet({ id: e.id }), undefined);
    for (const e of [owed, deadLetter, openWindow])
      assert.ok(await s.eventGet({ id: e.id }), 'kept');
    assert.deepEqual(
      (await s.eventSearch({ filter: { q: 'zqxprune' }, limit: 20 })).events.map((e) => e.id),
      [newer.id, openWindow.id, deadLetter.id, owed.id],
    );
    assert.deepEqual(
      (
        await s.eventSearch({
          filter: { requestId: gone[0]?.requestId as string, source: 'ops-prune' },
          limit: 5,
        })
      ).events,
      [],
    );
    // Its key went with the event: the same key is a new event now.
    const again = await s.eventInsertBatch({
      events: [mk(0, { receivedAt: now, deliveries: [] })],
    });
    assert.equal(again[0]?.status, 'stored');
  });

  it('sweeps expired dedupe keys and prunes old attempts of deliveries that are over', async () => {
    const s = store();
    const now = t0 + 20 * day;
    const e = makeEvent({
      source: 'ops-keys',
      dedupeKey: 'ops-key-1',
      dedupeUntil: now - 1,
      receivedAt: now - 2 * day,
      deliveries: [
        { id: newId('dlv'), route: 'r', destination: 'ops-att-a' },
        { id: newId('dlv'), route: 'r', destination: 'ops-att-b' },
      ],
    });
    const live = makeEvent({
      source: 'ops-keys',
      dedupeKey: 'ops-key-2',
      dedupeUntil: now + day,
      receivedAt: now - day,
    });
    await s.eventInsertBatch({ events: [e, live] });
    let swept = 0;
    for (
      let n = await s.dedupeKeySweep({ now, limit: 1000 });
      n > 0;
      n = await s.dedupeKeySweep({ now, limit: 1000 })
    )
      swept += n;
    assert.ok(swept >= 1);
    const [re, dup] = await s.eventInsertBatch({
      events: [
        makeEvent({ source: 'ops-keys', dedupeKey: 'ops-key-1', receivedAt: now }),
        makeEvent({ source: 'ops-keys', dedupeKey: 'ops-key-2', receivedAt: now }),
      ],
    });
    assert.equal(re?.status, 'stored', 'the expired key is gone');
    assert.deepEqual([dup?.status, dup?.eventId], ['duplicate', live.id]);

    const [a, b] = e.deliveries as [Delivery, Delivery];
    await settleDelivery(s, a, 'delivered', now - 2 * day);
    await settleDelivery(s, b, 'dead', now - 2 * day);
    // Attempt ids carry the time they were made (now, in real time): prune those made before
    // a moment from now, of deliveries that are over only.
    const before = Date.now() + 1000;
    let deleted = 0;
    let next: string | null | undefined;
    do {
      const r = await s.attemptPrune({ before, limit: 1, ...(next ? { after: next } : {}) });
      deleted += r.deleted;
      next = r.next;
    } while (next !== null);
    assert.ok(deleted >= 1);
    assert.deepEqual(await s.attemptListByDelivery({ deliveryId: a.id }), []);
    assert.equal(
      (await s.attemptListByDelivery({ deliveryId: b.id })).length,
      1,
      'a dead letter keeps its history',
    );
  });
}
