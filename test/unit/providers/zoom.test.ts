import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { zoom } from '../../../src/providers/zoom/provider.ts';
import { zoomSimulator } from '../../../src/providers/zoom/simulate.ts';
import { zoomVectors } from '../../../src/providers/zoom/vectors.ts';
import { check, context, NOW_MS, NOW_S, request } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const secret = randomBytes(16).toString('base64url');
const otherSecret = randomBytes(16).toString('base64url');
const body = JSON.stringify({
  event: 'meeting.started',
  event_ts: 1700000000123,
  payload: { account_id: 'acc', object: { id: '123', uuid: 'u==' } },
});

const sig = (ts: number | string, b: string | Buffer = body, s = secret) =>
  'v0=' + createHmac('sha256', s).update(`v0:${ts}:`).update(b).digest('hex');
const headers = (ts: number | string, signature: string | undefined) => ({
  'x-zm-request-timestamp': String(ts),
  'x-zm-signature': signature,
});
const verify = (
  h: Record<string, string | undefined>,
  b: string | Buffer = body,
  secrets = [secret],
  options = {},
) => check(zoom, request(b, h), secrets, { options });

describe('zoom provider', () => {
  it('has no official vectors (documented)', () => assert.equal(zoomVectors.length, 0));

  it('accepts a valid signature; rejects tampered body, other secret; tries every secret', () => {
    assert.deepEqual(verify(headers(NOW_S, sig(NOW_S))), { ok: true });
    assert.equal(verify(headers(NOW_S, sig(NOW_S)), body.replace('123', '124')).ok, false);
    assert.equal(verify(headers(NOW_S, sig(NOW_S, body, otherSecret))).ok, false);
    assert.equal(
      verify(headers(NOW_S, sig(NOW_S, body, otherSecret)), body, [secret, otherSecret]).ok,
      true,
    );
  });

  it('allows 300 s both ways', () => {
    for (const d of [-300, 300]) assert.equal(verify(headers(NOW_S + d, sig(NOW_S + d))).ok, true);
    for (const d of [-301, 301])
      assert.deepEqual(verify(headers(NOW_S + d, sig(NOW_S + d))), {
        ok: false,
        reason: 'timestamp outside tolerance',
      });
  });

  it('verifies raw bytes; the re-serialised form only when opted in (Rivet divergence)', () => {
    const spaced = JSON.stringify(JSON.parse(body), null, 2);
    // Rivet would sign JSON.stringify(JSON.parse(raw)) = the compact body.
    const rivetSig = sig(NOW_S, body);
    assert.equal(verify(headers(NOW_S, rivetSig), spaced).ok, false);
    assert.equal(
      verify(headers(NOW_S, rivetSig), spaced, [secret], { allowReserializedBody: true }).ok,
      true,
    );
    assert.equal(verify(headers(NOW_S, sig(NOW_S, spaced)), spaced).ok, true);
  });

  it('rejects missing or garbled headers without throwing', () => {
    const good = sig(NOW_S);
    for (const h of [
      headers(NOW_S, undefined),
      headers(NOW_S, ''),
      headers(NOW_S, good.slice(3)),
      headers(NOW_S, 'v1=' + good.slice(3)),
      headers(NOW_S, good + '00'),
      headers('abc', good),
      { 'x-zm-signature': good },
    ])
      assert.equal(verify(h).ok, false, JSON.stringify(h));
  });

  it('answers endpoint.url_validation with the HMAC of plainToken, using the matching secret', () => {
    const hs = JSON.stringify({
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: 1654503849680,
      event: 'endpoint.url_validation',
    });
    const req = request(hs, headers(NOW_S, sig(NOW_S, hs, otherSecret)));
    const ctx = context(zoom, [secret, otherSecret]);
    assert.deepEqual(zoom.verify(req, ctx), { ok: true });
    const reply = zoom.handshake?.(req, ctx);
    assert.deepEqual(reply, {
      signed: true,
      reply: {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
          encryptedToken: createHmac('sha256', otherSecret)
            .update('qgg8vlvZRS6UYooatFL8Aw')
            .digest('hex'),
        }),
      },
    });
    assert.equal(zoom.handshake?.(request(body, {}), ctx), undefined);
  });

  it('identifies by event, event_ts and the object uuid', () => {
    assert.deepEqual(zoom.identify(request(body), { allowReserializedBody: false }), {
      eventId: 'meeting.started:1700000000123:u==',
      eventType: 'meeting.started',
    });
    assert.deepEqual(zoom.identify(request('{"event":"x"}'), { allowReserializedBody: false }), {
      eventId: undefined,
      eventType: 'x',
    });
  });

  it('simulator output verifies', () => {
    const s = zoomSimulator.sign({
      body: zoomSimulator.sample(),
      secret,
      now: NOW_MS,
      options: {},
      url: '',
    });
    assert.deepEqual(verify(s.headers, s.body), { ok: true });
  });

  it('agrees with a Node crypto reference on random bodies, secrets, timestamps', () => {
    fc.assert(
      fc.property(
        fc.record({
          secret: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
          body: fc.uint8Array({ maxLength: 200 }),
          skew: fc.integer({ min: -1000, max: 1000 }),
          tamper: fc.constantFrom('none', 'body', 'signature', 'secret', 'timestamp'),
          at: fc.nat(),
        }),
        (c) => {
          const ts = NOW_S + c.skew;
          const b = Buffer.from(c.body);
          let s = sig(ts, b, c.tamper === 'secret' ? c.secret + 'x' : c.secret);
          let sentTs = ts;
          const sent = Buffer.from(b);
          if (c.tamper === 'body' && sent.length > 0) {
            const i = c.at % sent.length;
            sent[i] = (sent[i] ?? 0) ^ 1;
          }
          if (c.tamper === 'signature') s = s.slice(0, 3) + (s[3] === 'a' ? 'b' : 'a') + s.slice(4);
          if (c.tamper === 'timestamp') sentTs = ts + 1;
          const expected =
            Math.abs(c.skew + (sentTs - ts)) <= 300 &&
            (c.tamper === 'none' || (c.tamper === 'body' && b.length === 0));
          assert.equal(
            verify(headers(sentTs, s), sent, [c.secret]).ok,
            expected,
            JSON.stringify(c),
          );
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
