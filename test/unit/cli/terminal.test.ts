import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonText, safeText } from '../../../src/cli/terminal.ts';

// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('terminal text', () => {
  it('escapes every control character, lone surrogate and bidi override; keeps the rest', () => {
    assert.equal(safeText('a\u001b[31mb\nc\u0000'), 'a\\u001b[31mb\\nc\\u0000');
    assert.equal(safeText('\u009b2J \u202eevil'), '\\u009b2J \\u202eevil');
    assert.equal(safeText('🎉 ünïcode'), '🎉 ünïcode');
    assert.equal(safeText('x\ud800y'), 'x\\ud800y');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const shown = safeText(s);
        return !controls.test(shown) && !loneSurrogate.test(shown);
      }),
    );
  });

  it('writes JSON that parses back to the value, with no raw control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = jsonText({ s });
        assert.equal((JSON.parse(text) as { s: string }).s, s);
        return !controls.test(text);
      }),
    );
  });
});
