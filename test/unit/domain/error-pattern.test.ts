import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patternsOf } from '../../../src/admin/dead-letter-stats.ts';
import { errorPattern } from '../../../src/domain/error-pattern.ts';

test('ids, numbers, addresses, URLs and quoted values do not split an error pattern; HTTP statuses do', () => {
  const same = [
    ['connect ECONNREFUSED 10.0.0.7:8443', 'connect ECONNREFUSED 10.0.0.9:443'],
    ['connect ECONNREFUSED [::1]:8080', 'connect ECONNREFUSED [fe80::2]:9090'],
    ['order ord_1001 not found', 'order ord_77231 not found'],
    [
      'event 5f1e2a3b-1111-2222-3333-444455556666 rejected',
      'event 0b1e2a3b-9999-2222-3333-444455556666 rejected',
    ],
    [
      'transform failed: unknown branch "B-12" for vendor 7734',
      "transform failed: unknown branch 'C-9' for vendor 12",
    ],
    ['token a1b2c3d4e5f6 expired after 30.5 s', 'token ffee99887766aa expired after 2 s'],
    ['HTTP 500 at https://a.example/x?id=1', 'HTTP 500 at http://b.example/y'],
  ];
  for (const [a, b] of same)
    assert.equal(errorPattern(a as string), errorPattern(b as string), `${a} ~ ${b}`);
  assert.notEqual(errorPattern('HTTP 503'), errorPattern('HTTP 502'));
  assert.equal(errorPattern('HTTP 503'), 'HTTP 503');
  assert.equal(errorPattern('timeout: Headers Timeout Error'), 'timeout: Headers Timeout Error');
  assert.equal(errorPattern('connect ECONNREFUSED 10.0.0.7:8443'), 'connect ECONNREFUSED <ip>');
  // Hostile text is only text.
  assert.equal(typeof errorPattern('\ud800\u0000🎉'.repeat(1000)), 'string');
  assert.ok(errorPattern('x '.repeat(10_000)).length <= 300);
});

test('patterns are counted, most common first, with their error classes and dead reasons', () => {
  const patterns = patternsOf([
    { error: 'connect ECONNREFUSED 10.0.0.1:1', errorClass: 'temporary', deadReason: 'exhausted' },
    { error: 'HTTP 422', errorClass: 'validation', deadReason: 'permanent' },
    { error: 'connect ECONNREFUSED 10.0.0.2:2', errorClass: 'temporary', deadReason: 'exhausted' },
    { error: null, errorClass: null, deadReason: 'configuration' },
  ]);
  assert.deepEqual(
    patterns.map((p) => [p.pattern, p.count, p.errorClasses, p.deadReasons, p.example]),
    [
      [
        'connect ECONNREFUSED <ip>',
        2,
        { temporary: 2 },
        { exhausted: 2 },
        'connect ECONNREFUSED 10.0.0.1:1',
      ],
      ['(no error)', 1, { none: 1 }, { configuration: 1 }, '(no error)'],
      ['HTTP 422', 1, { validation: 1 }, { permanent: 1 }, 'HTTP 422'],
    ],
  );
});
