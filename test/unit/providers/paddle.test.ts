import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { Paddle } from '@paddle/paddle-node-sdk';
import { paddle } from '../../../src/providers/paddle/provider.ts';
import { paddleSimulator } from '../../../src/providers/paddle/simulate.ts';
import { paddleVectors } from '../../../src/providers/paddle/vectors.ts';
import { check, NOW_MS, NOW_S, request } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const sdk = new Paddle('test_api_key');
const secret = `pdl_ntfset_${randomBytes(12).toString('hex')}`;
const otherSecret = `pdl_ntfset_${randomBytes(12).toString('hex')}`;
const body = JSON.stringify({ event_id: 'evt_1', event_type: 'transaction.completed', data: {} });

const h1 = (ts: number | string, b = body, s = secret) =>
  createHmac('sha256', s).update(`${ts}:${b}`).digest('hex');

const verify = (
  header: string | undefined,
  b: string | Buffer = body,
  secrets = [secret],
  now = NOW_MS,
) => check(paddle, request(b, { 'paddle-signature': header }), secrets, { now });

/** The SDK reads Date.now(): pin it for one call. */
async function sdkValid(b: string, s: string, header: string, nowMs: number): Promise<boolean> {
  mock.timers.enable({ apis: ['Date'], now: nowMs });
  try {
    return await sdk.webhooks.isSignatureValid(b, s, header);
  } catch {
    return false; // a header without ts/h1 throws in the SDK
  } finally {
    mock.timers.reset();
  }
}

describe('paddle provider', () => {
  it('passes the official SDK vector', async () => {
    for (const v of paddleVectors) {
      assert.deepEqual(verify(v.header, v.body, [v.secret], v.nowMs), { ok: true });
      assert.equal(await sdkValid(v.body, v.secret, v.header, v.nowMs), true);
    }
  });

  it('rejects a tampered body and another secret; tries every secret', () => {
    const header = `ts=${NOW_S};h1=${h1(NOW_S)}`;
    assert.deepEqual(verify(header), { ok: true });
    assert.equal(verify(header, body.replace('evt_1', 'evt_2')).ok, false);
    assert.equal(verify(header, body, [otherSecret]).ok, false);
    assert.equal(verify(header, body, [otherSecret, secret]).ok, true);
  });

  it('accepts ANY matching h1, where the SDK checks only the last (divergence)', async () => {
    const header = `ts=${NOW_S};h1=${h1(NOW_S)};h1=${h1(NOW_S, body, otherSecret)}`;
    assert.equal(verify(header).ok, true);
    assert.equal(await sdkValid(body, secret, header, NOW_MS), false);
    const reversed = `ts=${NOW_S};h1=${h1(NOW_S, body, otherSecret)};h1=${h1(NOW_S)}`;
    assert.equal(verify(reversed).ok, true);
    assert.equal(await sdkValid(body, secret, reversed, NOW_MS), true);
  });

  it('allows 5 s both ways; the SDK accepts any future ts (divergence)', async () => {
    for (const d of [-5, 0, 5])
      assert.equal(verify(`ts=${NOW_S + d};h1=${h1(NOW_S + d)}`).ok, true, String(d));
    assert.deepEqual(verify(`ts=${NOW_S - 6};h1=${h1(NOW_S - 6)}`), {
      ok: false,
      reason: 'timestamp outside tolerance',
    });
    const future = `ts=${NOW_S + 60};h1=${h1(NOW_S + 60)}`;
    assert.equal(verify(future).ok, false);
    assert.equal(await sdkValid(body, secret, future, NOW_MS), true);
  });

  it('signs the ts text as sent; the SDK re-stringifies parseInt(ts) (divergence)', async () => {
    const padded = `ts=0${NOW_S};h1=${h1(NOW_S)}`;
    assert.equal(await sdkValid(body, secret, padded, NOW_MS), true);
    assert.equal(verify(padded).ok, false);
    assert.equal(verify(`ts=0${NOW_S};h1=${h1(`0${NOW_S}`)}`).ok, true);
  });

  it('rejects missing or garbled headers without throwing', () => {
    const good = h1(NOW_S);
    for (const h of [
      undefined,
      '',
      'garbage',
      `ts=${NOW_S}`,
      `h1=${good}`,
      `ts=abc;h1=${good}`,
      `ts=${NOW_S};h1=zz`,
      `ts=${NOW_S};h1=${good.slice(2)}`,
      `ts=${NOW_S},h1=${good}`,
    ])
      assert.equal(verify(h).ok, false, String(h));
  });

  it('identifies by event_id and event_type', () => {
    assert.deepEqual(paddle.identify(request(body), {}), {
      eventId: 'evt_1',
      eventType: 'transaction.completed',
    });
  });

  it('simulator output verifies', () => {
    const s = paddleSimulator.sign({
      body: paddleSimulator.sample(),
      secret,
      now: NOW_MS,
      options: {},
      url: '',
    });
    assert.deepEqual(verify(s.headers['paddle-signature'], s.body), { ok: true });
  });

  it('agrees with the SDK on random webhooks (one h1, ts not ahead of now)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          secret: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          body: fc.string({ unit: 'grapheme', maxLength: 200 }),
          // Whole-second clocks: the SDK compares ms, Hookgate floors now to seconds.
          age: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 100_000 })),
          tamper: fc.constantFrom('none', 'none', 'body', 'signature', 'secret', 'timestamp'),
          at: fc.nat(),
        }),
        async (c) => {
          const ts = NOW_S - c.age;
          let sentBody = c.body;
          let sig = h1(ts, c.body, c.tamper === 'secret' ? c.secret + 'x' : c.secret);
          let sentTs = ts;
          if (c.tamper === 'body') {
            const chars = [...sentBody];
            const i = chars.length === 0 ? 0 : c.at % chars.length;
            chars[i] = chars[i] === 'a' ? 'b' : 'a';
            sentBody = chars.join('');
          }
          if (c.tamper === 'signature') sig = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
          if (c.tamper === 'timestamp') sentTs = ts - 1;
          const header = `ts=${sentTs};h1=${sig}`;
          const expected = await sdkValid(sentBody, c.secret, header, NOW_MS);
          const ours = verify(header, sentBody, [c.secret]);
          assert.equal(ours.ok, expected, JSON.stringify({ c, ours }));
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
