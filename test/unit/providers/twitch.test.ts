import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { twitchEventSub } from '../../../src/providers/twitch/provider.ts';
import { parseRfc3339Seconds } from '../../../src/providers/twitch/rfc3339.ts';
import { twitchSimulator } from '../../../src/providers/twitch/simulate.ts';
import { twitchVectors } from '../../../src/providers/twitch/vectors.ts';
import { check, context, NOW_MS, request } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const secret = randomBytes(20).toString('hex');
const otherSecret = randomBytes(20).toString('hex');
const id = 'e76c6bd4-55c9-4987-8304-da1588d8988b';
const body = JSON.stringify({ subscription: { type: 'channel.follow' }, event: { user_id: '1' } });
const stamp = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '634234Z');
const NOW_TS = stamp(NOW_MS);

const sig = (ts: string, b: string | Buffer = body, s = secret, msgId = id) =>
  'sha256=' +
  createHmac('sha256', s)
    .update(msgId + ts)
    .update(b)
    .digest('hex');
const headers = (ts: string, signature: string | undefined, type = 'notification') => ({
  'twitch-eventsub-message-id': id,
  'twitch-eventsub-message-timestamp': ts,
  'twitch-eventsub-message-signature': signature,
  'twitch-eventsub-message-type': type,
  'twitch-eventsub-subscription-type': 'channel.follow',
});
const verify = (
  h: Record<string, string | undefined>,
  b: string | Buffer = body,
  secrets = [secret],
) => check(twitchEventSub, request(b, h), secrets);

describe('twitch provider', () => {
  it('has no official vectors (documented)', () => assert.equal(twitchVectors.length, 0));

  it('accepts a valid signature; rejects tampered body/id, other secret; tries every secret', () => {
    assert.deepEqual(verify(headers(NOW_TS, sig(NOW_TS))), { ok: true });
    assert.equal(verify(headers(NOW_TS, sig(NOW_TS)), body + ' ').ok, false);
    assert.equal(verify(headers(NOW_TS, sig(NOW_TS, body, secret, 'other-id'))).ok, false);
    assert.equal(verify(headers(NOW_TS, sig(NOW_TS, body, otherSecret))).ok, false);
    assert.equal(
      verify(headers(NOW_TS, sig(NOW_TS, body, otherSecret)), body, [secret, otherSecret]).ok,
      true,
    );
  });

  it('uses the timestamp header verbatim (nanoseconds and offsets)', () => {
    const offset = '2023-11-15T00:13:20.000000001+02:00'; // = NOW
    assert.equal(parseRfc3339Seconds(offset), NOW_MS / 1000);
    assert.equal(verify(headers(offset, sig(offset))).ok, true);
    assert.equal(verify(headers(offset, sig(NOW_TS))).ok, false);
  });

  it('rejects messages more than 10 minutes old or ahead', () => {
    for (const d of [-600, 600])
      assert.equal(
        verify(headers(stamp(NOW_MS + d * 1000), sig(stamp(NOW_MS + d * 1000)))).ok,
        true,
      );
    for (const d of [-601, 601]) {
      const ts = stamp(NOW_MS + d * 1000);
      assert.deepEqual(verify(headers(ts, sig(ts))), {
        ok: false,
        reason: 'timestamp outside tolerance',
      });
    }
  });

  it('rejects missing or garbled headers and timestamps without throwing', () => {
    const good = sig(NOW_TS);
    for (const h of [
      headers(NOW_TS, undefined),
      headers(NOW_TS, good.slice(7)),
      headers(NOW_TS, 'sha1=' + good.slice(7)),
      headers(NOW_TS, good + '0'),
      headers('2023-11-14 22:13:20Z', sig('2023-11-14 22:13:20Z')),
      headers('2023-02-31T00:00:00Z', sig('2023-02-31T00:00:00Z')),
      headers('1700000000', sig('1700000000')),
      { ...headers(NOW_TS, good), 'twitch-eventsub-message-id': undefined },
    ])
      assert.equal(verify(h).ok, false, JSON.stringify(h));
  });

  it('answers webhook_callback_verification with the challenge as text/plain', () => {
    const hs = JSON.stringify({
      challenge: 'pogchamp-kappa-360noscope-vohiyo',
      subscription: { type: 'channel.follow' },
    });
    const req = request(hs, headers(NOW_TS, sig(NOW_TS, hs), 'webhook_callback_verification'));
    const ctx = context(twitchEventSub, [secret]);
    assert.deepEqual(twitchEventSub.verify(req, ctx), { ok: true });
    assert.deepEqual(twitchEventSub.handshake?.(req, ctx), {
      signed: true,
      reply: { status: 200, contentType: 'text/plain', body: 'pogchamp-kappa-360noscope-vohiyo' },
    });
    assert.equal(twitchEventSub.handshake?.(request(body, headers(NOW_TS, '')), ctx), undefined);
    const revocation = request(body, headers(NOW_TS, '', 'revocation'));
    assert.equal(twitchEventSub.handshake?.(revocation, ctx), undefined);
  });

  it('identifies by message id and subscription type (message type otherwise)', () => {
    assert.deepEqual(twitchEventSub.identify(request(body, headers(NOW_TS, '')), {}), {
      eventId: id,
      eventType: 'channel.follow',
    });
    assert.deepEqual(
      twitchEventSub.identify(request(body, headers(NOW_TS, '', 'revocation')), {}),
      { eventId: id, eventType: 'revocation' },
    );
  });

  it('simulator output verifies', () => {
    const s = twitchSimulator.sign({
      body: twitchSimulator.sample(),
      secret,
      now: NOW_MS,
      options: {},
      url: '',
    });
    assert.deepEqual(verify(s.headers, s.body), { ok: true });
    assert.equal(
      twitchEventSub.identify(request(s.body, s.headers), {}).eventType,
      'channel.follow',
    );
  });

  it('agrees with a Node crypto reference on random messages', () => {
    fc.assert(
      fc.property(
        fc.record({
          secret: fc.string({ minLength: 10, maxLength: 100 }),
          msgId: fc.uuid(),
          body: fc.uint8Array({ maxLength: 200 }),
          skewMs: fc.integer({ min: -1_200_000, max: 1_200_000 }),
          tamper: fc.constantFrom('none', 'body', 'signature', 'secret', 'id'),
          at: fc.nat(),
        }),
        (c) => {
          const ts = new Date(NOW_MS + c.skewMs).toISOString();
          const b = Buffer.from(c.body);
          let s = sig(
            ts,
            b,
            c.tamper === 'secret' ? c.secret + 'x' : c.secret,
            c.tamper === 'id' ? c.msgId + 'x' : c.msgId,
          );
          const sent = Buffer.from(b);
          if (c.tamper === 'body' && sent.length > 0) {
            const i = c.at % sent.length;
            sent[i] = (sent[i] ?? 0) ^ 1;
          }
          if (c.tamper === 'signature') s = s.slice(0, 7) + (s[7] === 'a' ? 'b' : 'a') + s.slice(8);
          const h = { ...headers(ts, s), 'twitch-eventsub-message-id': c.msgId };
          const fresh = Math.abs(NOW_S_floor() - Math.floor((NOW_MS + c.skewMs) / 1000)) <= 600;
          const expected =
            fresh && (c.tamper === 'none' || (c.tamper === 'body' && b.length === 0));
          assert.equal(verify(h, sent, [c.secret]).ok, expected, JSON.stringify(c));
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});

function NOW_S_floor() {
  return Math.floor(NOW_MS / 1000);
}
