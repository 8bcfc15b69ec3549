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
      'api-key',
      'basic-auth',
      'careem',
      'discord',
      'generic-hmac',
      'github',
      'gitlab',
      'google',
      'intercom',
      'linear',
      'mailgun',
      'none',
      'paddle',
      'paypal',
      'sendgrid',
      'shopify',
      'slack',
      'square',
      'standard-webhooks',
      'stripe',
      'talabat',
      'twilio',
      'twitch',
      'typeform',
      'woocommerce',
      'zoom',
    ]);
    for (const name of providerNames) assert.equal(getProvider(name)?.name, name);
    assert.equal(providers.size, providerNames.length);
    assert.equal(getProvider('nope'), undefined);
    assert.equal(getProvider('__proto__'), undefined);
  });

  it('requires a secret for every provider but none and paypal (a public certificate and a webhook id)', () => {
    for (const p of providers.values())
      assert.equal(p.requiresSecret, !['none', 'paypal'].includes(p.name), p.name);
  });
});

describe('none simulator', () => {
  it('sends the sample with the configured id/type headers', async () => {
    const { noneSimulator } = await import('../../../src/providers/none/simulate.ts');
    const o = none.optionsSchema.parse({
      eventIdHeader: 'x-request-id',
      eventTypeHeader: 'x-kind',
    });
    const sent = noneSimulator.sign({
      body: noneSimulator.sample(),
      secret: '',
      now: 0,
      options: o,
      url: 'http://x',
    });
    const req = request(sent.body, sent.headers);
    assert.deepEqual(check(none, req, []), { ok: true });
    const identity = none.identify(req, o);
    assert.equal(identity.eventType, 'ping');
    assert.ok(identity.eventId);
  });
});
