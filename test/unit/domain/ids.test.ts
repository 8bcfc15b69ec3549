import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../../src/domain/ids.ts';

describe('newId', () => {
  it('makes prefixed UUIDv7 ids that sort in creation order and never repeat', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('evt'));
    assert.ok(ids.every((id) => /^evt_[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/.test(id)));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });
});
