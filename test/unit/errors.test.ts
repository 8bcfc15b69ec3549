import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorCatalog, HookgateError } from '../../src/domain/errors.ts';

test('every error code is documented in docs/errors.md with its status', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const [code, { status }] of Object.entries(errorCatalog)) {
    assert.match(
      doc,
      new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`),
      `${code} missing from docs`,
    );
  }
});

test('HookgateError carries the catalog status and default message', () => {
  const err = new HookgateError('RATE_LIMITED', { retryAfter: 7 });
  assert.equal(err.status, 429);
  assert.equal(err.retryAfter, 7);
  assert.equal(err.message, errorCatalog.RATE_LIMITED.message);
});
