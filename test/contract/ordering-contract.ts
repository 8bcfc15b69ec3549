import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { OnDead } from '../../src/domain/delivery-state.ts';
import { newId } from '../../src/domain/ids.ts';
import type {
  AttemptOutcome,
  ClaimedDelivery,
  Delivery,
  NewEvent,
  Store,
} from '../../src/store/store.ts';

const t0 = Date.UTC(2026, 0, 2);

/**
 * Ordering keys, as every engine must keep them (docs/ordering.md): one turn per key, queued
 * behind it in stored order, passed on by delivered / skipped / dead-with-skip, kept by retry and
 * dead-with-block, requeues that never jump the order, and the repair's safety net. Called from
 * storeContract with its store.
 */
export function orderingContract(
  store: () => Store,
  makeEvent: (overrides: Partial<NewEvent>) => NewEvent,
): void {
  let n = 0;
  /** A scenario of its own: a destination name no other case uses. */
  const scenario = (name: string) => {
    n += 1;
    const destination = `ord-${name}-${n}`;
    const event = (key: string | null, at: number, extra = 0): NewEvent =>
      makeEvent({
        source: 'ordered',
        dedupeKey: null,
        body: Buffer.from(JSON.stringify({ key, extra })),
        receivedAt: at,
        deliveries: [{ id: newId('dlv'), route: 'o', destination, orderingKey: key }],
      });
    const claim = async (now: number, owner = 'w') =>
      (
        await store().deliveryClaimDue({
          owner,
          destination,
          now,
          leaseUntil: now + 60_000,
          limit: 50,
        })
      ).sort((a, b) => a.event.receivedAt - b.event.receivedAt);
    /** `onDead` null: recorded without its ordering, as a writer unaware of ordering would. */
    const record = (
      c: ClaimedDelivery,
      state: AttemptOutcome['state'],
      at: number,
      onDead: OnDead | null = 'block',
    ) =>
      store().attemptRecord({
        deliveryId: c.delivery.id,
        owner: 'w',
        attempt: {
          id: newId('att'),
          startedAt: at,
          durationMs: 1,
          statusCode: state === 'delivered' ? 200 : 503,
          responseBody: null,
          requestBody: null,
          error: state === 'delivered' ? null : 'HTTP 503',
          errorClass: state === 'delivered' ? null : 'temporary',
        },
        outcome: {
          state,
          nextAttemptAt: state === 'retry' ? at + 1000 : at,
          lastError: state === 'delivered' ? null : 'HTTP 503',
          errorClass: state === 'delivered' ? null : 'temporary',
          deadReason: state === 'dead' ? 'exhausted' : null,
          metadata: null,
          reasons: null,
        },
        ...(c.delivery.orderingKey === null || onDead === null
          ? {}
          : { ordering: { destination, key: c.delivery.orderingKey, onDead } }),
      });
    const stateOf = async (e: NewEvent): Promise<Delivery> => {
      const [d] = await store().deliveryListByEvent({ eventId: e.id });
      assert.ok(d);
      return d;
    };
    const states = async (events: readonly NewEvent[]) =>
      Promise.all(events.map(async (e) => (await stateOf(e)).state));
    const bodyKeys = (claimed: readonly ClaimedDelivery[]) =>
      claimed.map((c) => (JSON.parse(c.event.body.toString()) as { extra: number }).extra);
    return { destination, event, claim, record, stateOf, states, bodyKeys };
  };

  it("ordering: while its destination is paused, a key's turn is held and passes on held", async () => {
    const s = scenario('paused');
    await store().destinationSetPaused({
      destination: s.destination,
      paused: true,
      reason: 'test',
      now: t0,
    });
    const a = [s.event('A', t0 + 1, 1), s.event('A', t0 + 2, 2)];
    await store().eventInsertBatch({ events: a });
    assert.deepEqual(await s.states(a), ['held', 'queued']);
    assert.deepEqual(await s.claim(t0 + 10), []);
    await store().destinationSetPaused({
      destination: s.destination,
      paused: false,
      reason: null,
      now: t0 + 20,
    });
    const first = await s.claim(t0 + 21);
    assert.deepEqual(s.bodyKeys(first), [1]);
    // Paused again while the first is in flight: its turn passes to the next, created held.
    await store().destinationSetPaused({
      destination: s.destination,
      paused: true,
      reason: 'test',
      now: t0 + 22,
    });
    assert.equal(await s.record(first[0] as ClaimedDelivery, 'delivered', t0 + 23), true);
    assert.deepEqual(await s.states(a), ['delivered', 'held']);
  });

  it('ordering: one delivery per key is claimable; the turn passes in stored order', async () => {
    const s = scenario('turn');
    const a = [s.event('A', t0, 1), s.event('A', t0 + 1, 2)];
    const b = [s.event('B', t0 + 2, 10)];
    const free = s.event(null, t0 + 3, 99);
    // Two of key A in one batch, a third in a later one.
    await store().eventInsertBatch({ events: [...a, ...b, free] });
    const a3 = s.event('A', t0 + 4, 3);
    await store().eventInsertBatch({ events: [a3] });
    assert.deepEqual(await s.states([...a, a3]), ['pending', 'queued', 'queued']);
    const first = await s.claim(t0 + 10);
    // The head of every key and the unordered one, in one claim; never a second of key A.
    assert.deepEqual(s.bodyKeys(first), [1, 10, 99]);
    assert.equal((await s.stateOf(a[0] as NewEvent)).keyTurn, true);
    assert.equal((await s.stateOf(a[0] as NewEvent)).orderingKey, 'A');
    // A retry keeps the turn: nothing of key A is claimable until it is due again.
    assert.equal(await s.record(first[0] as ClaimedDelivery, 'retry', t0 + 11), true);
    assert.deepEqual(await s.claim(t0 + 12), []);
    const again = await s.claim(t0 + 1011);
    assert.deepEqual(s.bodyKeys(again), [1]);
    // Delivered: the next of the key is due at once, the one after still waits.
    assert.equal(await s.record(again[0] as ClaimedDelivery, 'delivered', t0 + 1012), true);
    assert.deepEqual(await s.states([...a, a3]), ['delivered', 'pending', 'queued']);
    const next = await s.claim(t0 + 1013);
    assert.deepEqual(s.bodyKeys(next), [2]);
    await s.record(next[0] as ClaimedDelivery, 'delivered', t0 + 1014);
    const last = await s.claim(t0 + 1015);
    assert.deepEqual(s.bodyKeys(last), [3]);
    await s.record(last[0] as ClaimedDelivery, 'delivered', t0 + 1016);
    // Key A is idle: a new event of it takes the turn at once.
    const a4 = s.event('A', t0 + 1017, 4);
    await store().eventInsertBatch({ events: [a4] });
    assert.deepEqual(await s.states([a4]), ['pending']);
    // A graceful stop gives leases back; the turn stays with its delivery.
    assert.equal((await s.claim(t0 + 1018, 'quitter')).length, 1);
    assert.ok((await store().deliveryReleaseLeases({ owner: 'quitter' })) >= 1);
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 1019)), [4]);
  });

  it('ordering: a dead delivery blocks only its key (block), or lets the next go (skip)', async () => {
    const s = scenario('dead');
    const a = [s.event('A', t0, 1), s.event('A', t0 + 1, 2), s.event('A', t0 + 2, 3)];
    const b = [s.event('B', t0 + 3, 10), s.event('B', t0 + 4, 11)];
    await store().eventInsertBatch({ events: [...a, ...b] });
    const [a1, b1] = await s.claim(t0 + 10);
    await s.record(a1 as ClaimedDelivery, 'dead', t0 + 11, 'block');
    await s.record(b1 as ClaimedDelivery, 'delivered', t0 + 11);
    // Key A is held behind its dead letter; key B flows.
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 12)), [11]);
    assert.deepEqual(await s.states(a), ['dead', 'queued', 'queued']);
    const blocked = await store().orderingKeyList({
      destination: s.destination,
      blocked: true,
      limit: 10,
    });
    assert.deepEqual(
      blocked.map((k) => [k.key, k.turn?.state, k.turn?.id, k.queued]),
      [['A', 'dead', (await s.stateOf(a[0] as NewEvent)).id, 2]],
    );
    // An operator requeues the dead letter: it keeps the key's turn and goes first.
    await store().deliveryRequeue({ now: t0 + 20, id: (a1 as ClaimedDelivery).delivery.id });
    const retried = await s.claim(t0 + 21);
    assert.deepEqual(s.bodyKeys(retried), [1]);
    // Dead again, now under `skip`: the next of the key goes.
    await s.record(retried[0] as ClaimedDelivery, 'dead', t0 + 22, 'skip');
    assert.deepEqual(await s.states(a), ['dead', 'pending', 'queued']);
    assert.equal((await s.stateOf(a[0] as NewEvent)).keyTurn, false);
    const a2 = await s.claim(t0 + 23);
    assert.deepEqual(s.bodyKeys(a2), [2]);
    // The skipped dead letter is requeued while a later one holds the turn: it waits for it,
    // then goes before the rest (it is the oldest).
    assert.equal(
      await store().deliveryRequeue({
        now: t0 + 24,
        filter: { state: 'dead', destination: s.destination },
      }),
      1,
    );
    assert.deepEqual(await s.states(a), ['queued', 'pending', 'queued']);
    await s.record(a2[0] as ClaimedDelivery, 'delivered', t0 + 25);
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 26)), [1]);
    assert.deepEqual(await s.states(a), ['pending', 'delivered', 'queued']);
  });

  it('ordering: pausing holds the turn holder, resuming frees it; queued ones wait on', async () => {
    const s = scenario('pause');
    const a = [s.event('A', t0, 1), s.event('A', t0 + 1, 2)];
    await store().eventInsertBatch({ events: a });
    const pause = (paused: boolean) =>
      store().destinationSetPaused({
        destination: s.destination,
        paused,
        reason: paused ? 'test' : null,
        now: t0 + 5,
      });
    await pause(true);
    assert.deepEqual(await s.states(a), ['held', 'queued']);
    assert.deepEqual(await s.claim(t0 + 6), []);
    await pause(false);
    assert.deepEqual(await s.states(a), ['pending', 'queued']);
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 7)), [1]);
  });

  it("ordering: a replay of an ordered event goes behind its key's turn, in the order given", async () => {
    const s = scenario('replay');
    const a = [s.event('A', t0, 1), s.event('A', t0 + 1, 2)];
    const b = [s.event('B', t0 + 2, 10), s.event('B', t0 + 3, 11)];
    await store().eventInsertBatch({ events: [...a, ...b] });
    // Key A's first delivery is in flight; key B's are delivered: B is idle.
    const first = await s.claim(t0 + 10);
    assert.deepEqual(s.bodyKeys(first), [1, 10]);
    await s.record(first[1] as ClaimedDelivery, 'delivered', t0 + 11);
    const b2 = await s.claim(t0 + 12);
    assert.deepEqual(s.bodyKeys(b2), [11]);
    await s.record(b2[0] as ClaimedDelivery, 'delivered', t0 + 13);
    const replay = (e: NewEvent, key: string) => ({
      id: newId('dlv'),
      eventId: e.id,
      route: 'o',
      destination: s.destination,
      replayOf: null,
      orderingKey: key,
    });
    const made = await store().deliveryReplay({
      replays: [
        replay(a[0] as NewEvent, 'A'),
        replay(b[0] as NewEvent, 'B'),
        replay(b[1] as NewEvent, 'B'),
      ],
      now: t0 + 20,
    });
    // A's turn is held by the delivery in flight: its replay waits. B was idle: its first replay
    // takes the turn, the second waits behind it.
    assert.deepEqual(
      made.map((d) => [d.orderingKey, d.state, d.keyTurn]),
      [
        ['A', 'queued', false],
        ['B', 'pending', true],
        ['B', 'queued', false],
      ],
    );
    const next = await s.claim(t0 + 21);
    assert.deepEqual(s.bodyKeys(next), [10], 'only the head of key B, never a second of A');
    await s.record(first[0] as ClaimedDelivery, 'delivered', t0 + 22);
    await s.record(next[0] as ClaimedDelivery, 'delivered', t0 + 22);
    // Key A: the stored second event, then the replay (stored after it). Key B: its second replay.
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 23)), [2, 11]);
  });

  it('ordering: a bulk replay job step stores its ordered replays in order, once, behind the turn', async () => {
    const s = scenario('job');
    const a = [s.event('A', t0, 1), s.event('A', t0 + 1, 2), s.event('A', t0 + 2, 3)];
    await store().eventInsertBatch({ events: a });
    const [inFlight] = await s.claim(t0 + 10);
    const jobId = `job_${s.destination}`;
    await store().jobCreate({
      job: { id: jobId, kind: 'replay', params: {}, total: 3, createdBy: null, now: 0 },
    });
    const claimed = await store().jobClaim({
      kind: 'replay',
      owner: 'j',
      now: t0,
      leaseUntil: t0 + 60_000,
    });
    assert.equal(claimed?.id, jobId);
    const step = (finish: boolean) =>
      store().jobAdvance({
        id: jobId,
        owner: 'j',
        now: t0 + 20,
        leaseUntil: t0 + 60_000,
        replays: a.map((e) => ({
          id: newId('dlv'),
          eventId: e.id,
          route: 'o',
          destination: s.destination,
          replayOf: null,
          orderingKey: 'A',
        })),
        cursor: null,
        done: 3,
        failed: 0,
        ...(finish ? { finish: { state: 'completed' as const, error: null } } : {}),
      });
    assert.equal(await step(false), true);
    // The same step again (a crash before the runner knew it committed): nothing twice, and the
    // key keeps one turn.
    assert.equal(await step(true), true);
    const counts = await store().deliveryCountByState({ jobId });
    assert.equal(counts.queued, 3);
    assert.equal(
      Object.values(counts).reduce((x, y) => x + y, 0),
      3,
    );
    assert.deepEqual(await s.claim(t0 + 21), [], 'the delivery in flight holds the turn');
    // One at a time, in the key's order: the stored ones, then the replays in the step's order.
    await s.record(inFlight as ClaimedDelivery, 'delivered', t0 + 22);
    const order: number[] = [];
    for (let i = 0; i < 5; i++) {
      const claimedNow = await s.claim(t0 + 30 + i * 2);
      assert.equal(claimedNow.length, 1);
      order.push(...s.bodyKeys(claimedNow));
      await s.record(claimedNow[0] as ClaimedDelivery, 'delivered', t0 + 31 + i * 2);
    }
    assert.deepEqual(order, [2, 3, 1, 2, 3]);
  });

  it("ordering: a dead letter's discard passes its key's turn; its requeue waits for the turn", async () => {
    const s = scenario('dlq');
    const a = [s.event('A', t0, 1), s.event('A', t0 + 1, 2), s.event('A', t0 + 2, 3)];
    const b = [s.event('B', t0 + 3, 10)];
    await store().eventInsertBatch({ events: [...a, ...b] });
    const act = (action: 'requeue' | 'discard', target: object, at: number) =>
      store().deadLetterAct({
        action,
        target: target as { id: string },
        actor: 'ana',
        note: null,
        now: at,
      });
    const [a1, b1] = await s.claim(t0 + 10);
    await s.record(a1 as ClaimedDelivery, 'dead', t0 + 11, 'block');
    await s.record(b1 as ClaimedDelivery, 'dead', t0 + 11, 'skip');
    assert.deepEqual(await s.states(a), ['dead', 'queued', 'queued']);
    // Discarding the dead letter that blocks key A passes the turn at once (no repair needed).
    assert.equal(await act('discard', { id: (a1 as ClaimedDelivery).delivery.id }, t0 + 12), 1);
    assert.deepEqual(await s.states(a), ['discarded', 'pending', 'queued']);
    assert.equal((await s.stateOf(a[0] as NewEvent)).keyTurn, false);
    const a2 = await s.claim(t0 + 13);
    assert.deepEqual(s.bodyKeys(a2), [2]);
    // Dead under skip: the turn goes on to the third.
    await s.record(a2[0] as ClaimedDelivery, 'dead', t0 + 14, 'skip');
    assert.deepEqual(await s.states(a), ['discarded', 'dead', 'pending']);
    const a3 = await s.claim(t0 + 15);
    assert.deepEqual(s.bodyKeys(a3), [3]);
    // Its dead letter requeued while the third is in flight: it waits for the turn, never sent
    // next to it.
    assert.equal(await act('requeue', { id: (a2[0] as ClaimedDelivery).delivery.id }, t0 + 16), 1);
    assert.deepEqual(await s.states(a), ['discarded', 'queued', 'pending']);
    assert.deepEqual(await s.claim(t0 + 17), []);
    await s.record(a3[0] as ClaimedDelivery, 'delivered', t0 + 18);
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 19)), [2]);
    // Key B is idle: its dead letter requeued by filter takes the turn and is due.
    assert.equal(
      await act('requeue', { filter: { destination: s.destination, source: 'ordered' } }, t0 + 20),
      1,
    );
    const requeued = await s.stateOf(b[0] as NewEvent);
    assert.deepEqual([requeued.state, requeued.keyTurn], ['pending', true]);
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 21)), [10]);
  });

  it('ordering: the repair gives back a turn held by a finished delivery and restarts its key', async () => {
    const s = scenario('repair');
    const a = [s.event('A', t0, 1), s.event('A', t0 + 1, 2)];
    await store().eventInsertBatch({ events: a });
    const [a1] = await s.claim(t0 + 10);
    // Recorded without its ordering: the turn is left with a delivered delivery, and the key
    // would wait for ever.
    await s.record(a1 as ClaimedDelivery, 'delivered', t0 + 11, null);
    assert.deepEqual(await s.claim(t0 + 12), []);
    assert.ok((await store().orderingRepair({ now: t0 + 13 })) >= 1);
    assert.deepEqual(s.bodyKeys(await s.claim(t0 + 14)), [2]);
    assert.equal(await store().orderingRepair({ now: t0 + 15 }), 0);
  });
}
