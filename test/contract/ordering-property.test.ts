import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { passesKeyTurn, type OnDead } from '../../src/domain/delivery-state.ts';
import { newId } from '../../src/domain/ids.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { ClaimedDelivery, Store } from '../../src/store/store.ts';
import { engineSkipReason, tempDir, testEngines } from '../helpers/gateway.ts';
import { postgresUrl, testSchema } from '../helpers/postgres.ts';
import { makeEvent } from './store-contract.ts';

/** Keys of a run and what a dead delivery does to each. */
const policies: Record<string, OnDead> = { K0: 'block', K1: 'block', K2: 'skip', K3: 'skip' };
const keys = Object.keys(policies);

type Op =
  | { kind: 'insert'; keys: (string | null)[] }
  | { kind: 'claim'; limit: number }
  | { kind: 'finish'; pick: number; state: 'delivered' | 'retry' | 'dead' }
  | { kind: 'requeue' }
  | { kind: 'advance'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      keys: fc.array(fc.option(fc.constantFrom(...keys), { freq: 5 }), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      limit: fc.integer({ min: 1, max: 6 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      pick: fc.nat(),
      state: fc.constantFrom(
        'delivered' as const,
        'delivered' as const,
        'retry' as const,
        'dead' as const,
      ),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('requeue' as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 1, max: 2000 }),
    }),
    weight: 1,
  },
);

/**
 * Ordering claims as a property: random programs of stores, claims, outcomes (delivered, retry,
 * dead under block or skip), requeues and time, run against the real store with injected time.
 * After every step: no claim ever returns a second delivery of a key, nor one of a key already in
 * flight; a key under `block` is delivered exactly in stored order; under `skip`, what was never
 * requeued is delivered in stored order. At the end, with the receiver healthy and the dead
 * requeued, every key drains: nothing is left waiting for a turn nobody holds.
 */
async function runProgram(store: Store, program: readonly Op[]): Promise<void> {
  const destination = `prop-${newId('dlv').slice(-12)}`;
  let now = Date.UTC(2026, 0, 3);
  /** Per key, delivery ids in stored order. */
  const stored = new Map<string, string[]>();
  const delivered = new Map<string, string[]>();
  const requeued = new Set<string>();
  const inFlight: ClaimedDelivery[] = [];
  let total = 0;
  let done = 0;

  const claim = async (limit: number) => {
    const claimed = await store.deliveryClaimDue({
      owner: 'w',
      destination,
      now,
      leaseUntil: now + 10 ** 9,
      limit,
    });
    const busy = new Set(inFlight.map((c) => c.delivery.orderingKey).filter((k) => k !== null));
    for (const c of claimed) {
      const key = c.delivery.orderingKey;
      if (key !== null) {
        assert.ok(!busy.has(key), `a second delivery of ${key} was claimed while one is in flight`);
        busy.add(key);
      }
      inFlight.push(c);
    }
  };
  const finish = async (index: number, state: 'delivered' | 'retry' | 'dead') => {
    const [c] = inFlight.splice(index, 1);
    if (c === undefined) return;
    now += 1;
    const key = c.delivery.orderingKey;
    const recorded = await store.attemptRecord({
      deliveryId: c.delivery.id,
      owner: 'w',
      attempt: {
        id: newId('att'),
        startedAt: now,
        durationMs: 0,
        statusCode: state === 'delivered' ? 200 : 503,
        responseBody: null,
        requestBody: null,
        error: null,
        errorClass: null,
      },
      outcome: {
        state,
        nextAttemptAt: state === 'retry' ? now + 1000 : now,
        lastError: null,
        errorClass: null,
        deadReason: state === 'dead' ? 'exhausted' : null,
        metadata: null,
        reasons: null,
      },
      ordering: key === null ? undefined : { destination, key, onDead: policies[key] as OnDead },
    });
    assert.equal(recorded, true);
    if (state === 'delivered') {
      done += 1;
      if (key !== null) delivered.set(key, [...(delivered.get(key) ?? []), c.delivery.id]);
    }
    if (key !== null && passesKeyTurn(state, policies[key] as OnDead))
      assert.equal((await store.deliveryGet({ id: c.delivery.id }))?.keyTurn, false);
  };
  const requeue = async () => {
    for (const d of await store.deliveryList({ destination, state: 'dead', limit: 500 }))
      requeued.add(d.id);
    await store.deliveryRequeue({ now, filter: { destination, state: 'dead' } });
  };
  const check = () => {
    for (const [key, ids] of delivered) {
      const order = stored.get(key) ?? [];
      if (policies[key] === 'block')
        assert.deepEqual(ids, order.slice(0, ids.length), `${key} (block) out of order`);
      else {
        const plain = ids.filter((id) => !requeued.has(id)).map((id) => order.indexOf(id));
        assert.deepEqual(
          plain,
          [...plain].sort((a, b) => a - b),
          `${key} (skip) out of order`,
        );
      }
    }
  };

  for (const step of program) {
    if (step.kind === 'insert') {
      now += 1;
      const events = step.keys.map((key) =>
        makeEvent({
          source: 'prop',
          dedupeKey: null,
          receivedAt: now,
          deliveries: [{ id: newId('dlv'), route: 'p', destination, orderingKey: key }],
        }),
      );
      await store.eventInsertBatch({ events });
      total += events.length;
      events.forEach((e, i) => {
        const key = step.keys[i];
        if (key != null)
          stored.set(key, [...(stored.get(key) ?? []), e.deliveries[0]?.id as string]);
      });
    } else if (step.kind === 'claim') await claim(step.limit);
    else if (step.kind === 'finish') {
      if (inFlight.length > 0) await finish(step.pick % inFlight.length, step.state);
    } else if (step.kind === 'requeue') await requeue();
    else now += step.ms;
    check();
  }
  // Drain: everything in flight is delivered, dead letters are requeued, time moves on.
  for (let round = 0; done < total && round < 4 * total + 10; round += 1) {
    while (inFlight.length > 0) await finish(0, 'delivered');
    await requeue();
    now += 2000;
    await claim(50);
    check();
  }
  assert.equal(done, total, 'every delivery was delivered in the end');
  assert.equal(await store.orderingRepair({ now }), 0, 'nothing for the repair to mend');
}

for (const engine of testEngines) {
  describe(
    `ordering claims, property-based (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      let store: Store;
      const schema = engine === 'postgres' ? testSchema() : undefined;
      before(async () => {
        store = schema
          ? new PostgresStore({ connectionString: postgresUrl, schema: schema.name, poolSize: 4 })
          : new SqliteStore({ path: `${tempDir()}/ordering.db` });
        await store.migrate();
      });
      after(async () => {
        await store.close();
        await schema?.drop();
      });

      it('one delivery of a key at a time, in stored order; every key drains', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 60 }), (program) =>
            runProgram(store, program),
          ),
          { numRuns: engine === 'sqlite' ? 150 : 40 },
        );
      });
    },
  );
}
