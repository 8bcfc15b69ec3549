import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { anySignatureMatches, hmac } from '../../../src/verify/hmac.ts';

describe('hmac', () => {
  it('equals the HMAC of the concatenated parts', () => {
    const parts = [Buffer.from('1.'), Buffer.from('{"a":1}')];
    const expected = createHmac('sha256', 'k').update('1.{"a":1}').digest();
    assert.deepEqual(hmac('sha256', 'k', parts), expected);
    assert.deepEqual(hmac('sha256', 'k', Buffer.concat(parts)), expected);
  });
});

describe('anySignatureMatches', () => {
  const data = Buffer.from('body');
  const sig = (key: string) => hmac('sha256', key, data);

  it('is true when any secret matches any signature', () => {
    assert.equal(anySignatureMatches('sha256', ['a', 'b'], data, [sig('x'), sig('b')]), true);
  });

  it('is false when none match, or when there is nothing to compare', () => {
    assert.equal(anySignatureMatches('sha256', ['a', 'b'], data, [sig('x')]), false);
    assert.equal(anySignatureMatches('sha256', [], data, [sig('a')]), false);
    assert.equal(anySignatureMatches('sha256', ['a'], data, []), false);
    assert.equal(
      anySignatureMatches('sha256', ['a'], data, [Buffer.alloc(0), Buffer.alloc(3)]),
      false,
    );
  });
});
