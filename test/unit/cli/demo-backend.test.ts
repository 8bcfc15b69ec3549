import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeOrder, printable } from '../../../src/cli/demo-backend.ts';

describe('demo backend output', () => {
  it('prints what a provider sent without letting it drive the terminal', () => {
    assert.equal(printable('Ahmed \u001b[31mAli\u001b[0m'), 'Ahmed \\u001b[31mAli\\u001b[0m');
    assert.equal(printable('a\nforged line\r\u0000'), 'a\\nforged line\\r\\u0000');
    assert.equal(printable('x\ud800y'), 'x\\ud800y');
    assert.equal(printable('\u0085\u2028'), '\\u0085\\u2028');
    assert.equal(printable('برجر 🍔 "q"'), 'برجر 🍔 "q"');
    // A bidirectional override would reorder the printed line.
    assert.equal(printable('a\u202eb\u2066'), 'a\\u202eb\\u2066');
    const line = describeOrder({
      transformedOrder: {
        orderNumber: 'CAREEM-1\norder FORGED',
        provider: 'careem',
        branchId: 'b',
        customerName: '\u001b]0;pwned\u0007',
        items: [],
      },
      metadata: { eventId: 'evt_1' },
    });
    assert.equal(line.split('\n').length, 1);
    assert.ok(
      [...line].every((c) => c.charCodeAt(0) >= 0x20),
      'no control character',
    );
  });
});
