import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUnixSeconds, withinTolerance } from '../../../src/verify/timestamp.ts';

describe('parseUnixSeconds', () => {
  it('reads whole seconds', () => {
    assert.equal(parseUnixSeconds('1700000000'), 1_700_000_000);
    assert.equal(parseUnixSeconds(' 0 '), 0);
  });

  it('rejects anything but plain digits', () => {
    for (const text of [
      undefined,
      '',
      ' ',
      '-1',
      '+1',
      '1.5',
      '1e9',
      '0x10',
      'NaN',
      'Infinity',
      '12a',
      '1 2',
      '9'.repeat(13),
    ]) {
      assert.equal(parseUnixSeconds(text), undefined, String(text));
    }
  });
});

describe('withinTolerance', () => {
  const now = 1_700_000_000_000;
  const nowS = now / 1000;

  it('accepts up to the tolerance in both directions', () => {
    assert.equal(withinTolerance(nowS, now, 300), true);
    assert.equal(withinTolerance(nowS - 300, now, 300), true);
    assert.equal(withinTolerance(nowS + 300, now, 300), true);
  });

  it('rejects too old and too far in the future', () => {
    assert.equal(withinTolerance(nowS - 301, now, 300), false);
    assert.equal(withinTolerance(nowS + 301, now, 300), false);
  });

  it('floors now to whole seconds, as the providers libraries do', () => {
    assert.equal(withinTolerance(nowS - 300, now + 999, 300), true);
    assert.equal(withinTolerance(nowS - 300, now + 1000, 300), false);
  });

  it('rejects non-finite input', () => {
    assert.equal(withinTolerance(Number.NaN, now, 300), false);
    assert.equal(withinTolerance(nowS, Number.NaN, 300), false);
  });
});
