/**
 * Tenant isolation in the store: every listing, count, bulk action and statistic given a tenant
 * sees that tenant's rows only (an event's tenant is its source's: `acme/shop` is acme's). Called
 * last from the contract suite: its rows are its own tenants', received after everything else.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newId } from '../../src/domain/ids.ts';
import type { NewEvent, Store } from '../../src/store/store.ts';
import { makeEvent, t0 } from './make-event.ts';

const at = t0 + 90 * 86_400_000;
const minute = 60_000;
const tenants = ['ten-a', 'ten-b'] as const;

/** One event of `tenant`'s source `shop` with one delivery to its destination `hook`. */
function tenantEvent(tenant: string, i: number, orderingKey: string | null = null): NewEvent {
  return makeEvent({
    source: `${tenant}/shop`,
    eventType: 'order.created',
    receivedAt: at + i,
    deliveries: [
      { id: newId('dlv'), route: `${tenant}/main`, destination: `${tenant}/hook`, orderingKey },
    ],
  });
}

/** Claims every due delivery of the destination and records it dead. */
async function killAll(store: Store, destination: string, now = at + minute): Promise<void> {
  const claimed = await store.deliveryClaimDue({
    owner: 'tenancy',
    destination,
    now,
    leaseUntil: now + minute,
    limit: 100,
  });
  for (const c of claimed) {
    const recorded = await store.attemptRecord({
      deliveryId: c.delivery.id,
      owner: 'tenancy',
      attempt: {
        id: newId('att'),
        startedAt: now,
        durationMs: 3,
        statusCode: 500,
        responseBody: null,
        requestBody: null,
        error: 'HTTP 500',
        errorClass: 'temporary',
      },
      outcome: {
        state: 'dead',
        nextAttemptAt: now,
        lastError: 'HTTP 500',
        errorClass: 'temporary',
        deadReason: 'exhausted',
        metadata: null,
        reasons: null,
      },
    });
    assert.ok(recorded);
  }
}

export function tenancyContract(store: () => Store): void {
  const events = new Map(tenants.map((t) => [t, [0, 1, 2].map((i) => tenantEvent(t, i))]));

  it('keeps each event under its source tenant; the top-level sources are tenant default', async () => {
    const s = store();
    const all = [...events.values()].flat();
    await s.eventInsertBatch({ events: all });
    const mine = await s.eventGet({ id: events.get('ten-a')?.[0]?.id as string });
    assert.equal(mine?.tenant, 'ten-a');
    const top = makeEvent({ source: 'shop', receivedAt: at });
    await s.eventInsertBatch({ events: [top] });
    assert.equal((await s.eventGet({ id: top.id }))?.tenant, 'default');
  });

  it("searches and counts only the tenant's events, whatever else the filter names", async () => {
    const s = store();
    for (const tenant of tenants) {
      const page = await s.eventSearch({ filter: { tenant, since: at }, limit: 50 });
      assert.deepEqual(
        page.events.map((e) => e.id).sort(),
        (events.get(tenant) ?? []).map((e) => e.id).sort(),
      );
      assert.ok(page.events.every((e) => e.tenant === tenant));
      assert.deepEqual(await s.eventSearchCount({ filter: { tenant, since: at }, cap: 100 }), {
        count: 3,
        exact: true,
      });
    }
    // Another tenant's source, destination or text: nothing, not their events.
    const crossing = [
      { tenant: 'ten-a', source: 'ten-b/shop' },
      { tenant: 'ten-a', destination: 'ten-b/hook' },
      { tenant: 'ten-a', state: 'pending' as const, destination: 'ten-b/hook' },
    ];
    for (const filter of crossing) {
      assert.deepEqual(
        (await s.eventSearch({ filter, limit: 50 })).events,
        [],
        JSON.stringify(filter),
      );
      assert.equal((await s.eventSearchCount({ filter, cap: 100 })).count, 0);
    }
    assert.deepEqual((await s.eventSearch({ filter: { tenant: 'nobody' }, limit: 50 })).events, []);
  });

  it("lists and requeues only the tenant's deliveries", async () => {
    const s = store();
    const listed = await s.deliveryList({ tenant: 'ten-b', limit: 100 });
    assert.deepEqual(
      listed.map((d) => d.destination),
      ['ten-b/hook', 'ten-b/hook', 'ten-b/hook'],
    );
    await killAll(s, 'ten-a/hook');
    await killAll(s, 'ten-b/hook');
    assert.equal(await s.deliveryRequeue({ filter: { tenant: 'ten-a' }, now: at + 2 * minute }), 3);
    const b = await s.deliveryList({ tenant: 'ten-b', limit: 100 });
    assert.ok(b.every((d) => d.state === 'dead'));
    const a = await s.deliveryList({ tenant: 'ten-a', limit: 100 });
    assert.ok(a.every((d) => d.state === 'pending'));
    await killAll(s, 'ten-a/hook', at + 2 * minute);
  });

  it("lists, acts on and counts only the tenant's dead letters", async () => {
    const s = store();
    const listed = await s.deadLetterList({ filter: { tenant: 'ten-a' }, limit: 100 });
    assert.equal(listed.length, 3);
    assert.ok(listed.every((d) => d.destination === 'ten-a/hook'));
    const crossing = await s.deadLetterList({
      filter: { tenant: 'ten-a', destination: 'ten-b/hook' },
      limit: 100,
    });
    assert.deepEqual(crossing, []);
    const moved = await s.deadLetterAct({
      action: 'review',
      target: { filter: { tenant: 'ten-b' } },
      actor: 'b-admin',
      note: null,
      now: at + 3 * minute,
    });
    assert.equal(moved, 3);
    const stillA = await s.deadLetterList({
      filter: { tenant: 'ten-a', review: 'reviewing' },
      limit: 100,
    });
    assert.deepEqual(stillA, []);
    const stats = await s.deadLetterStats({
      since: at,
      attentionBefore: at + 86_400_000,
      sample: 100,
      tenant: 'ten-a',
    });
    assert.equal(stats.dead, 3);
    assert.deepEqual(stats.byReview, { failed: 3, reviewing: 0, discarded: 0 });
    assert.deepEqual(stats.byDestination, { 'ten-a/hook': 3 });
    assert.deepEqual(stats.bySource, { 'ten-a/shop': 3 });
    assert.deepEqual(
      stats.ratesByDestination.map((r) => [r.name, r.total, r.dead]),
      [['ten-a/hook', 3, 3]],
    );
    assert.deepEqual(
      stats.ratesBySource.map((r) => r.name),
      ['ten-a/shop'],
    );
    assert.equal(stats.errors.length, 3);
    assert.equal(stats.attention.count, 3);
    assert.ok(stats.attention.oldest.every((d) => d.destination === 'ten-a/hook'));
    const b = await s.deadLetterStats({
      since: at,
      attentionBefore: at + 86_400_000,
      sample: 100,
      tenant: 'ten-b',
    });
    assert.deepEqual(b.byReview, { failed: 0, reviewing: 3, discarded: 0 });
    assert.equal(b.attention.count, 0);
  });

  it("lists only the tenant's ordering keys", async () => {
    const s = store();
    const ordered = tenants.map((t) => tenantEvent(t, 10, 'same-key'));
    await s.eventInsertBatch({ events: ordered });
    for (const tenant of tenants) {
      const keys = await s.orderingKeyList({ tenant, key: 'same-key', limit: 50 });
      assert.deepEqual(
        keys.map((k) => k.destination),
        [`${tenant}/hook`],
      );
    }
    assert.equal((await s.orderingKeyList({ key: 'same-key', limit: 50 })).length, 2);
    // A second event of the key waits queued; asked for by another tenant with the key's full
    // name (destination and key), it is as absent as an unknown key, its queue not counted.
    const [first, second] = tenants;
    await s.eventInsertBatch({ events: [tenantEvent(first as string, 11, 'same-key')] });
    const own = await s.orderingKeyList({
      tenant: first,
      destination: `${first}/hook`,
      key: 'same-key',
      limit: 50,
    });
    assert.equal(own[0]?.queued, 1);
    assert.deepEqual(
      await s.orderingKeyList({
        tenant: second,
        destination: `${first}/hook`,
        key: 'same-key',
        limit: 50,
      }),
      [],
    );
  });

  it("lists only the tenant's jobs; a job made without one is nobody's tenant's", async () => {
    const s = store();
    const job = (tenant: string | null) =>
      s.jobCreate({
        job: {
          id: newId('job'),
          kind: 'replay',
          params: { filter: tenant ? { tenant } : {} },
          total: 0,
          createdBy: null,
          now: at,
          tenant,
        },
      });
    const a = await job('ten-a');
    const b = await job('ten-b');
    const global = await job(null);
    assert.equal((await s.jobGet({ id: a.id }))?.tenant, 'ten-a');
    assert.equal(global.tenant, null);
    assert.deepEqual(
      (await s.jobList({ tenant: 'ten-a', limit: 50 })).map((j) => j.id),
      [a.id],
    );
    assert.deepEqual(
      (await s.jobList({ tenant: 'ten-b', limit: 50, before: b.id })).map((j) => j.id),
      [],
    );
    const ids = (await s.jobList({ limit: 500 })).map((j) => j.id);
    assert.ok([a.id, b.id, global.id].every((id) => ids.includes(id)));
  });
}
