import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { NewEvent } from '../../src/store/store.ts';
import { chunkByBodyBytes } from '../../src/store/postgres/batch-insert.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresSkipReason, postgresUrl, testSchema } from '../helpers/postgres.ts';
import { makeEvent } from './store-contract.ts';

// A batch with more body bytes than one statement carries goes as several statements in one
// transaction: the cap is set to 4 KiB here so a batch of 1 KiB bodies crosses it.
const skip = await postgresSkipReason();
const schema = testSchema();

describe('postgres: a batch over the per-statement body cap', { skip }, () => {
  let store: PostgresStore;
  before(async () => {
    store = new PostgresStore({
      connectionString: postgresUrl,
      schema: schema.name,
      maxStatementBodyBytes: 4096,
    });
    await store.migrate();
  });
  after(async () => {
    await store?.close();
    await schema.drop();
  });

  it('stores every body exactly and finds duplicates across its statements', async () => {
    const events = Array.from({ length: 10 }, () =>
      makeEvent({ source: 'big', body: randomBytes(1024) }),
    );
    // The last event repeats the first one's key: they land in different statements.
    const repeat = makeEvent({ source: 'big', dedupeKey: events[0]?.dedupeKey ?? null });
    // The premise: this batch is cut in several statements (4 + 4 + 3 events).
    assert.deepEqual(
      chunkByBodyBytes([...events, repeat], 4096).map((c) => c.length),
      [4, 4, 3],
    );
    const outcomes = await store.eventInsertBatch({ events: [...events, repeat] });
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.eventId]),
      [...events.map((e) => ['stored', e.id]), ['duplicate', events[0]?.id]],
    );
    for (const e of events) assert.deepEqual((await store.eventGet({ id: e.id }))?.body, e.body);
  });

  it('stays all or nothing', async () => {
    const events = Array.from({ length: 10 }, () =>
      makeEvent({ source: 'atomic', body: randomBytes(1024) }),
    );
    // The clash is in the last statement; the first ones must be rolled back with it.
    const clash = makeEvent({ source: 'atomic', id: (events[0] as NewEvent).id, dedupeKey: null });
    await assert.rejects(store.eventInsertBatch({ events: [...events, clash] }));
    assert.equal(await store.eventCount({ source: 'atomic' }), 0);
  });
});
