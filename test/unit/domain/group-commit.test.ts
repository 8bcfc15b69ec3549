import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from '../../../src/domain/group-commit.ts';

describe('GroupCommit', () => {
  it('commits items submitted in the same turn together and answers each after its commit', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, string>({
      maxBatch: 100,
      commit: async (items) => {
        batches.push([...items]);
        return items.map((i) => `ok${i}`);
      },
    });
    const results = await Promise.all([1, 2, 3].map((i) => gc.submit(i)));
    assert.deepEqual(results, ['ok1', 'ok2', 'ok3']);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('splits at maxBatch and keeps one commit in flight while the next batch fills', async () => {
    const batches: number[][] = [];
    let inFlight = 0;
    let maxSeen = 0;
    const gc = new GroupCommit<number, number>({
      maxBatch: 2,
      commit: async (items) => {
        inFlight += 1;
        maxSeen = Math.max(maxSeen, inFlight);
        batches.push([...items]);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        return items;
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => gc.submit(i)));
    assert.deepEqual(results, [1, 2, 3, 4, 5]);
    assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
    assert.equal(maxSeen, 1);
  });

  it('rejects every item of a failed commit and reports it; later commits still run', async () => {
    const reported: (string | undefined)[] = [];
    let fail = true;
    const gc = new GroupCommit<number, number>({
      maxBatch: 10,
      commit: async (items) => {
        if (fail) throw new Error('disk full');
        return items;
      },
      onCommit: (_size, error) => reported.push(error?.message),
    });
    const outcomes = await Promise.allSettled([gc.submit(1), gc.submit(2)]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal(await gc.submit(3), 3);
    assert.deepEqual(reported, ['disk full', undefined]);
  });

  it('flush waits for pending commits', async () => {
    let committed = 0;
    const gc = new GroupCommit<number, number>({
      maxBatch: 10,
      commit: async (items) => {
        await new Promise((r) => setTimeout(r, 10));
        committed += items.length;
        return items;
      },
    });
    void gc.submit(1);
    void gc.submit(2);
    assert.equal(gc.pending, 2);
    await gc.flush();
    assert.equal(committed, 2);
    assert.equal(gc.pending, 0);
    await gc.flush();
  });
});
