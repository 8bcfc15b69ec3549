import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicAuth } from '../../../src/providers/basic-auth/provider.ts';
import { basicAuthSimulator } from '../../../src/providers/basic-auth/simulate.ts';
import { check, NOW_MS, request } from './support.ts';

const secret = 'hookgate:s3cr3t-p4ss';
const basic = (creds: string) => `Basic ${Buffer.from(creds).toString('base64')}`;
const verify = (auth: string | undefined, secrets = [secret]) =>
  check(basicAuth, request('{"id":"e1","type":"t"}', { authorization: auth }), secrets);

describe('basic-auth provider', () => {
  it('accepts the configured user:password (scheme name case-insensitive)', () => {
    assert.deepEqual(verify(basic(secret)), { ok: true });
    assert.equal(verify(`basic ${Buffer.from(secret).toString('base64')}`).ok, true);
    assert.equal(verify(`BASIC  ${Buffer.from(secret).toString('base64')}`).ok, true);
  });

  it('rejects a wrong password, wrong user, or a prefix of the secret', () => {
    assert.equal(verify(basic('hookgate:wrong')).ok, false);
    assert.equal(verify(basic('other:s3cr3t-p4ss')).ok, false);
    assert.equal(verify(basic('hookgate:s3cr3t')).ok, false);
    assert.equal(verify(basic(secret + 'x')).ok, false);
  });

  it('accepts any configured secret (rotation); passwords may contain colons', () => {
    assert.equal(verify(basic('new:pw:with:colons'), [secret, 'new:pw:with:colons']).ok, true);
  });

  it('rejects missing or garbled headers without throwing', () => {
    for (const auth of [
      undefined,
      '',
      'Basic',
      'Basic !!!!',
      'Basic abc',
      `Bearer ${Buffer.from(secret).toString('base64')}`,
      basic('nocolon'),
    ])
      assert.equal(verify(auth, [secret, 'nocolon']).ok, false, String(auth));
  });

  it('identifies from configured headers or JSON paths', () => {
    const o = basicAuth.optionsSchema.parse({ eventIdPath: 'id', eventTypeHeader: 'X-Kind' });
    assert.deepEqual(basicAuth.identify(request('{"id":"e1"}', { 'x-kind': 'order.created' }), o), {
      eventId: 'e1',
      eventType: 'order.created',
    });
    assert.deepEqual(basicAuth.identify(request('{}'), basicAuth.optionsSchema.parse({})), {
      eventId: undefined,
      eventType: undefined,
    });
    assert.equal(basicAuth.optionsSchema.safeParse({ password: 'x' }).success, false);
  });

  it('simulator output verifies', () => {
    const sent = basicAuthSimulator.sign({
      body: basicAuthSimulator.sample(),
      secret,
      now: NOW_MS,
      options: {},
      url: 'http://x',
    });
    assert.deepEqual(check(basicAuth, request(sent.body, sent.headers), [secret]), { ok: true });
  });
});
