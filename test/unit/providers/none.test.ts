import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { none } from '../../../src/providers/none/provider.ts';
import { getProvider, providerNames, providers } from '../../../src/providers/index.ts';
import { check, request } from './support.ts';

describe('none provider', () => {
  it('needs no secret and accepts anything', () => {
    assert.equal(none.requiresSecret, false);
    assert.deepEqual(check(none, request('whatever'), []), { ok: true });
    assert.deepEqual(check(none, request(Buffer.alloc(0), { 'x-signature': 'junk' }), []), {
      ok: true,
    });
  });

  it('identifies from the configured headers (names case-insensitive)', () => {
    const o = none.optionsSchema.parse({
      eventIdHeader: 'X-Request-Id',
      eventTypeHeader: 'x-kind',
    });
    const req = request('{}', { 'x-request-id': 'r1', 'x-kind': 'order.placed' });
    assert.deepEqual(none.identify(req, o), { eventId: 'r1', eventType: 'order.placed' });
    assert.deepEqual(none.identify(request('{}', { 'x-request-id': '' }), o), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('identifies nothing without options', () => {
    const o = none.optionsSchema.parse({});
    assert.deepEqual(none.identify(request('{"id":"x"}'), o), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('rejects unknown options', () => {
    assert.equal(none.optionsSchema.safeParse({ secret: 'x' }).success, false);
  });
});

describe('provider registry', () => {
  it('lists every built-in provider by name', () => {
    assert.deepEqual([...providerNames].sort(), [
      'generic-hmac',
      'github',
      'none',
      'standard-webhooks',
      'stripe',
    ]);
    for (const name of providerNames) assert.equal(getProvider(name)?.name, name);
    assert.equal(providers.size, providerNames.length);
    assert.equal(getProvider('nope'), undefined);
    assert.equal(getProvider('__proto__'), undefined);
  });

  it('requires a secret for every provider but none', () => {
    for (const p of providers.values()) assert.equal(p.requiresSecret, p.name !== 'none');
  });
});
