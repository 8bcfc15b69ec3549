import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { apiKey } from '../../../src/providers/api-key/provider.ts';
import { apiKeySimulator } from '../../../src/providers/api-key/simulate.ts';
import { check, NOW_MS, request } from './support.ts';

const key = randomBytes(24).toString('base64url');
const other = randomBytes(24).toString('base64url');
const verify = (
  headers: Record<string, string | undefined>,
  secrets = [key],
  options: unknown = {},
) => check(apiKey, request('{}', headers), secrets, { options });

describe('api-key provider', () => {
  it('accepts the key in x-api-key by default', () => {
    assert.deepEqual(verify({ 'x-api-key': key }), { ok: true });
    assert.equal(verify({ 'x-api-key': key.slice(1) }).ok, false);
    assert.equal(verify({ 'x-api-key': key + 'a' }).ok, false);
    assert.equal(verify({ 'x-other': key }).ok, false);
  });

  it('accepts any configured key (rotation)', () => {
    assert.equal(verify({ 'x-api-key': other }, [key, other]).ok, true);
  });

  it('supports another header and a prefix such as "Bearer "', () => {
    const options = { header: 'Authorization', prefix: 'Bearer ' };
    assert.deepEqual(verify({ authorization: `Bearer ${key}` }, [key], options), { ok: true });
    assert.equal(verify({ authorization: `bearer ${key}` }, [key], options).ok, true);
    assert.equal(verify({ authorization: key }, [key], options).ok, false);
    assert.equal(verify({ authorization: 'Bearer ' }, [key], options).ok, false);
  });

  it('rejects a missing or empty header without throwing', () => {
    assert.equal(verify({}).ok, false);
    assert.equal(verify({ 'x-api-key': '' }).ok, false);
  });

  it('identifies from configured headers or JSON paths', () => {
    const o = apiKey.optionsSchema.parse({ idHeader: 'x-request-id', eventTypePath: 'type' });
    assert.deepEqual(apiKey.identify(request('{"type":"a.b"}', { 'x-request-id': 'r1' }), o), {
      eventId: 'r1',
      eventType: 'a.b',
    });
  });

  it('simulator output verifies', () => {
    const options = apiKey.optionsSchema.parse({ header: 'authorization', prefix: 'Bearer ' });
    const sent = apiKeySimulator.sign({
      body: apiKeySimulator.sample(),
      secret: key,
      now: NOW_MS,
      options,
      url: 'http://x',
    });
    assert.deepEqual(
      check(apiKey, request(sent.body, sent.headers), [key], {
        options: { header: 'authorization', prefix: 'Bearer ' },
      }),
      { ok: true },
    );
  });
});
