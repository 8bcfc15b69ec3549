import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSignature, safeEqual } from '../../../src/verify/compare.ts';

describe('safeEqual', () => {
  it('is true only for equal bytes', () => {
    assert.equal(safeEqual(Buffer.from('abc'), Buffer.from('abc')), true);
    assert.equal(safeEqual(Buffer.from('abc'), Buffer.from('abd')), false);
  });

  it('is false, not a throw, for different lengths', () => {
    assert.equal(safeEqual(Buffer.from('abc'), Buffer.from('abcd')), false);
    assert.equal(safeEqual(Buffer.alloc(0), Buffer.from('a')), false);
  });
});

describe('decodeSignature', () => {
  it('decodes hex in either case', () => {
    assert.deepEqual(decodeSignature('0aFf', 'hex'), Buffer.from([0x0a, 0xff]));
  });

  it('decodes base64 and base64url', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf]);
    assert.deepEqual(decodeSignature('+/+/', 'base64'), bytes);
    assert.deepEqual(decodeSignature('-_-_', 'base64url'), bytes);
  });

  it('decodes malformed text to nothing, so it can never match', () => {
    for (const [text, encoding] of [
      ['', 'hex'],
      ['abc', 'hex'],
      ['zz', 'hex'],
      ['00 11', 'hex'],
      ['', 'base64'],
      ['-_', 'base64'],
      ['a$b', 'base64'],
      ['+/', 'base64url'],
      ['ab=c', 'base64url'],
    ] as const) {
      assert.equal(decodeSignature(text, encoding).length, 0, `${encoding} ${text}`);
    }
  });
});
