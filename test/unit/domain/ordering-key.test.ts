import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { maxPlainKeyLength, orderingKey, unsafeInKey } from '../../../src/domain/ordering-key.ts';
import { orderingKeyFor } from '../../../src/routing/ordering-key.ts';

/** Any UTF-16 code unit, lone surrogates, NUL and controls included. */
const codeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
const hostile = fc.oneof(
  codeUnits,
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '\ud800',
    '\udc00x',
    'a\u0000b',
    '\u202e',
    '#',
    '🍕'.repeat(80),
    'x'.repeat(10_000),
  ),
);

describe('ordering keys', () => {
  it('are bounded, well-formed, free of controls, scoped by source, and the same every time', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const key = orderingKey('shop', value);
        assert.equal(key, orderingKey('shop', value));
        assert.ok(key.startsWith('shop/'));
        assert.ok(key.length <= 'shop/'.length + maxPlainKeyLength);
        assert.ok(key.isWellFormed());
        assert.ok(!unsafeInKey.test(key));
        assert.notEqual(key, orderingKey('other', value));
      }),
      { numRuns: 2000 },
    );
  });

  it('keep distinct values distinct (lone surrogates included: U+D800 is not U+FFFD)', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        fc.pre(a !== b);
        assert.notEqual(orderingKey('s', a), orderingKey('s', b));
      }),
      { numRuns: 2000 },
    );
    assert.notEqual(orderingKey('s', '\ud800'), orderingKey('s', '\ufffd'));
    // A value that looks like a hashed key is hashed too: it cannot pose as one.
    const hashed = orderingKey('s', 'x'.repeat(500)).slice(2);
    assert.notEqual(orderingKey('s', hashed), `s/${hashed}`);
  });

  it('keep plain values readable, emoji included', () => {
    assert.equal(orderingKey('careem', 'ORD-42'), 'careem/ORD-42');
    assert.equal(orderingKey('careem', '🍕 order ✓'), 'careem/🍕 order ✓');
    assert.match(orderingKey('careem', 'a\u0000b'), /^careem\/#sha256:[A-Za-z0-9_-]{43}$/);
    assert.match(orderingKey('careem', 'x'.repeat(maxPlainKeyLength + 1)), /^careem\/#sha256:/);
  });

  it('are read from the body, a header, the provider id or the source; none when absent', () => {
    const subject = {
      eventId: 'evt-1',
      eventType: 'order.created',
      headers: { 'x-order': 'H-1' },
      body: () => ({ data: { order: { id: 7 } }, empty: '' }),
    };
    const key = (rule: string) => orderingKeyFor({ key: rule, onDead: 'block' }, 'shop', subject);
    assert.equal(key('json:data.order.id'), 'shop/7');
    assert.equal(key('header:X-Order'), 'shop/H-1');
    assert.equal(key('eventId'), 'shop/evt-1');
    assert.equal(key('source'), 'shop/shop');
    assert.equal(key('json:missing'), null);
    assert.equal(key('json:empty'), null);
    assert.equal(key('header:x-none'), null);
  });
});
