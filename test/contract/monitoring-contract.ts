import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newId } from '../../src/domain/ids.ts';
import type { AttemptOutcome, NewAttempt, Store } from '../../src/store/store.ts';
import { makeEvent } from './make-event.ts';

const t0 = Date.UTC(2026, 2, 1);

function attempt(at: number): NewAttempt {
  return {
    id: newId('att'),
    startedAt: at,
    durationMs: 1,
    statusCode: 500,
    responseBody: null,
    requestBody: null,
    error: 'HTTP 500',
    errorClass: 'temporary',
  };
}

function outcome(state: 'dead' | 'retry', at: number): AttemptOutcome {
  return {
    state,
    nextAttemptAt: at,
    lastError: 'HTTP 500',
    errorClass: 'temporary',
    deadReason: state === 'dead' ? 'exhausted' : null,
    metadata: null,
    reasons: null,
  };
}

/** The Store operations monitoring reads (queue depth, dead letters, dedupe keys, traces). */
export function monitoringContract(store: () => Store): void {
  it('keeps the trace context stored with an event and hands it to the claim', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const e = makeEvent({
      source: 'mon-trace',
      dedupeKey: null,
      traceContext: traceparent,
      deliveries: [{ id: newId('dlv'), route: 'r', destination: 'mon-trace-dst' }],
    });
    const bare = makeEvent({ source: 'mon-trace', dedupeKey: null });
    await store().eventInsertBatch({ events: [e, bare] });
    assert.equal((await store().eventGet({ id: e.id }))?.traceContext, traceparent);
    assert.equal((await store().eventGet({ id: bare.id }))?.traceContext, null);
    const [claimed] = await store().deliveryClaimDue({
      owner: 'w',
      destination: 'mon-trace-dst',
      now: t0 + 10_000_000_000,
      leaseUntil: t0 + 10_000_000_001,
      limit: 1,
    });
    assert.equal(claimed?.event.traceContext, traceparent);
  });

  it('counts the queue by destination and waiting state, bounded, with the oldest due', async () => {
    const dst = `mon-q-${newId('dlv').slice(-6)}`;
    const events = [0, 1, 2, 3, 4].map((i) =>
      makeEvent({
        source: 'mon-q',
        dedupeKey: null,
        receivedAt: t0 + i * 1000,
        deliveries: [{ id: newId('dlv'), route: 'r', destination: dst }],
      }),
    );
    await store().eventInsertBatch({ events });
    // One claimed and recorded dead, one claimed and put to retry later: 3 pending, 1 retry, 1 dead.
    const claimed = await store().deliveryClaimDue({
      owner: 'w',
      destination: dst,
      now: t0 + 5000,
      leaseUntil: t0 + 60_000,
      limit: 2,
    });
    assert.equal(claimed.length, 2);
    const [first, second] = claimed.map((c) => c.delivery.id) as [string, string];
    await store().attemptRecordBatch({
      items: [
        {
          deliveryId: first,
          owner: 'w',
          attempt: attempt(t0 + 5000),
          outcome: outcome('dead', t0 + 5000),
        },
        {
          deliveryId: second,
          owner: 'w',
          attempt: attempt(t0 + 5000),
          outcome: outcome('retry', t0 + 90_000),
        },
      ],
    });
    const stats = await store().deliveryQueueStats({
      destinations: [dst, 'mon-q-none'],
      limit: 100,
    });
    assert.deepEqual(stats.depth[dst], {
      pending: 3,
      queued: 0,
      retry: 1,
      held: 0,
      quarantined: 0,
      dead: 1,
    });
    assert.deepEqual(stats.depth['mon-q-none'], {
      pending: 0,
      queued: 0,
      retry: 0,
      held: 0,
      quarantined: 0,
      dead: 0,
    });
    // The oldest pending one (received at t0 + 2000: the first two were claimed, oldest first).
    assert.equal(stats.oldestDueAt[dst], t0 + 2000);
    assert.equal(stats.oldestDueAt['mon-q-none'], null);
    // Counts stop at the limit.
    const bounded = await store().deliveryQueueStats({ destinations: [dst], limit: 2 });
    assert.equal(bounded.depth[dst]?.pending, 2);
    // Paused: the waiting ones are held.
    await store().destinationSetPaused({
      destination: dst,
      paused: true,
      reason: 'x',
      now: t0 + 6000,
    });
    const held = await store().deliveryQueueStats({ destinations: [dst], limit: 100 });
    assert.equal(held.depth[dst]?.held, 4);
    assert.equal(held.oldestDueAt[dst], null);
    await store().destinationSetPaused({
      destination: dst,
      paused: false,
      reason: null,
      now: t0 + 7000,
    });

    // Dead letters since a time: the one recorded at t0 + 5000 (as its last update).
    const deadAfter = await store().deliveryDeadSince({ since: t0 + 5000, limit: 1000 });
    const deadLater = await store().deliveryDeadSince({
      since: t0 + 10_000_000_000_000,
      limit: 1000,
    });
    assert.ok(deadAfter >= 1);
    assert.equal(deadLater, 0);
  });

  it('counts dedupe keys per source: held, expiring soon, expired', async () => {
    const source = `mon-dd-${newId('dlv').slice(-6)}`;
    const now = t0 + 1_000_000;
    const events = [
      makeEvent({ source, dedupeKey: 'a', receivedAt: t0, dedupeUntil: now - 1 }), // expired
      makeEvent({ source, dedupeKey: 'b', receivedAt: t0, dedupeUntil: now + 1000 }), // soon
      makeEvent({ source, dedupeKey: 'c', receivedAt: t0, dedupeUntil: now + 10_000_000 }),
      makeEvent({ source, dedupeKey: null, receivedAt: t0 }), // no key: not counted
    ];
    await store().eventInsertBatch({ events });
    const stats = await store().dedupeStats({ now, soonMs: 60_000 });
    assert.deepEqual(stats[source], { held: 2, expiringSoon: 1, expired: 1 });
  });

  it('reports its connections', async () => {
    await store().ping();
    const counts = store().connectionCounts();
    assert.ok(counts.open >= 1);
    assert.ok(counts.busy >= 0 && counts.busy <= counts.open);
    assert.ok(counts.waiting >= 0);
  });
}
