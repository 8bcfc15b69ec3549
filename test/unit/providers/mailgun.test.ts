import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mailgun } from '../../../src/providers/mailgun/provider.ts';
import { mailgunSimulator } from '../../../src/providers/mailgun/simulate.ts';
import { mailgunVectors } from '../../../src/providers/mailgun/vectors.ts';
import { check, NOW_MS, NOW_S, request } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const key = randomBytes(16).toString('hex');
const otherKey = randomBytes(16).toString('hex');
const token = randomBytes(25).toString('hex');
const mac = (ts: string, tok: string, k = key) =>
  createHmac('sha256', k)
    .update(ts + tok)
    .digest('hex');

function jsonBody(
  ts = String(NOW_S),
  tok = token,
  signature = mac(ts, tok),
  extra: Record<string, string> = {},
) {
  return JSON.stringify({
    signature: { timestamp: ts, token: tok, signature, ...extra },
    'event-data': { id: 'ev-1', event: 'delivered' },
  });
}
const verify = (b: string, secrets = [key], toleranceSeconds?: number) =>
  check(mailgun, request(b), secrets, toleranceSeconds === undefined ? {} : { toleranceSeconds });

describe('mailgun provider', () => {
  it('has no official vectors (documented)', () => assert.equal(mailgunVectors.length, 0));

  it('accepts a JSON webhook; rejects another key; tries every key', () => {
    assert.deepEqual(verify(jsonBody()), { ok: true });
    assert.equal(
      verify(jsonBody(String(NOW_S), token, mac(String(NOW_S), token, otherKey))).ok,
      false,
    );
    assert.equal(
      verify(jsonBody(String(NOW_S), token, mac(String(NOW_S), token, otherKey)), [key, otherKey])
        .ok,
      true,
    );
  });

  it('rejects a tampered token or timestamp (event-data is not signed: documented)', () => {
    const good = mac(String(NOW_S), token);
    assert.equal(verify(jsonBody(String(NOW_S), token + 'x', good)).ok, false);
    assert.equal(verify(jsonBody(String(NOW_S - 1), token, good)).ok, false);
  });

  it('accepts the parent-signature of a subaccount webhook', () => {
    const ts = String(NOW_S);
    const b = jsonBody(ts, token, mac(ts, token, otherKey), { 'parent-signature': mac(ts, token) });
    assert.equal(verify(b).ok, true);
  });

  it('accepts the legacy form fields', () => {
    const ts = String(NOW_S);
    const form = new URLSearchParams({
      event: 'opened',
      timestamp: ts,
      token,
      signature: mac(ts, token),
    }).toString();
    assert.deepEqual(verify(form), { ok: true });
    assert.deepEqual(mailgun.identify(request(form), {}), { eventId: token, eventType: 'opened' });
  });

  it('checks freshness both ways (12 h by default)', () => {
    const at = (d: number) => jsonBody(String(NOW_S + d), token, mac(String(NOW_S + d), token));
    assert.equal(verify(at(-43_200)).ok, true);
    assert.equal(verify(at(43_200)).ok, true);
    assert.deepEqual(verify(at(-43_201)), { ok: false, reason: 'timestamp outside tolerance' });
    assert.equal(verify(at(43_201)).ok, false);
    assert.equal(verify(at(-600), [key], 300).ok, false);
  });

  it('rejects missing or garbled fields without throwing', () => {
    for (const b of [
      '',
      'not json',
      '{}',
      '{"signature":"x"}',
      '[]',
      jsonBody('abc'),
      jsonBody(String(NOW_S), token, 'zz'),
      jsonBody(String(NOW_S), '', mac(String(NOW_S), '')),
    ])
      assert.equal(verify(b).ok, false, b);
  });

  it('identifies by the token (replays of one token dedupe) and event-data.event', () => {
    assert.deepEqual(mailgun.identify(request(jsonBody()), {}), {
      eventId: token,
      eventType: 'delivered',
    });
  });

  it('simulator output verifies (JSON and form)', () => {
    for (const body of [mailgunSimulator.sample(), Buffer.from('event=opened&recipient=a%40b.c')]) {
      const s = mailgunSimulator.sign({ body, secret: key, now: NOW_MS, options: {}, url: '' });
      assert.deepEqual(verify(s.body.toString('utf8')), { ok: true });
    }
  });

  it('agrees with a Node crypto reference on random signatures', () => {
    fc.assert(
      fc.property(
        fc.record({
          key: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          token: fc.stringMatching(/^[a-z0-9]{50}$/),
          skew: fc.integer({ min: -50_000, max: 50_000 }),
          tamper: fc.constantFrom('none', 'token', 'signature', 'secret', 'timestamp'),
        }),
        (c) => {
          const ts = String(NOW_S + c.skew);
          let s = mac(ts, c.token, c.tamper === 'secret' ? c.key + 'x' : c.key);
          if (c.tamper === 'signature') s = (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
          const sentTs = c.tamper === 'timestamp' ? String(NOW_S + c.skew + 1) : ts;
          const sentToken = c.tamper === 'token' ? c.token.slice(1) + 'a' : c.token;
          const fresh = Math.abs(Number(sentTs) - NOW_S) <= 43_200;
          const expected = fresh && c.tamper === 'none';
          assert.equal(
            verify(jsonBody(sentTs, sentToken, s), [c.key]).ok,
            expected,
            JSON.stringify(c),
          );
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
