import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { stripe } from '../../../src/providers/stripe/provider.ts';
import { check, NOW_MS, NOW_S, request } from './support.ts';

const secret = 'whsec_' + randomBytes(24).toString('hex');
const otherSecret = 'whsec_' + randomBytes(24).toString('hex');
const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded' });

/** The Stripe-Signature header as Stripe's own library makes it (the oracle). */
function header(opts: { secret?: string; timestamp?: number; payload?: string } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: opts.payload ?? payload,
    secret: opts.secret ?? secret,
    timestamp: opts.timestamp ?? NOW_S,
  });
}

/** Just the hex of the v1 entry of an oracle header. */
function v1Of(h: string): string {
  const match = /v1=([0-9a-f]+)/.exec(h);
  assert.ok(match?.[1]);
  return match[1];
}

const verify = (sig: string | undefined, body = payload, secrets = [secret], now = NOW_MS) =>
  check(stripe, request(body, { 'stripe-signature': sig }), secrets, { now });

describe('stripe provider', () => {
  it('accepts a header made by the stripe library', () => {
    assert.deepEqual(verify(header()), { ok: true });
  });

  it('agrees with Stripe.webhooks.signature.verifyHeader on a valid header', () => {
    const h = header();
    assert.equal(
      Stripe.webhooks.signature?.verifyHeader(payload, h, secret, 300, undefined, NOW_MS),
      true,
    );
    assert.equal(verify(h).ok, true);
  });

  it('rejects a tampered body', () => {
    assert.equal(verify(header(), payload.replace('evt_1', 'evt_2')).ok, false);
  });

  it('rejects a header signed with another secret', () => {
    assert.equal(verify(header({ secret: otherSecret })).ok, false);
  });

  it('accepts the second secret of the source (rotation on our side)', () => {
    assert.equal(verify(header({ secret: otherSecret }), payload, [secret, otherSecret]).ok, true);
  });

  it('accepts any of several v1 signatures (Stripe rolling its secret)', () => {
    const h = `t=${NOW_S},v1=${v1Of(header({ secret: otherSecret }))},v1=${v1Of(header())}`;
    assert.equal(verify(h).ok, true);
  });

  it('ignores v0 and unknown schemes', () => {
    const good = v1Of(header());
    assert.equal(verify(`t=${NOW_S},v0=${good}`).ok, false);
    assert.equal(verify(`t=${NOW_S},v0=${good},x=1,v1=${good}`).ok, true);
  });

  it('accepts timestamps exactly at the tolerance, either way', () => {
    assert.equal(verify(header({ timestamp: NOW_S - 300 })).ok, true);
    assert.equal(verify(header({ timestamp: NOW_S + 300 })).ok, true);
  });

  it('rejects a timestamp more than 300 s old', () => {
    const result = verify(header({ timestamp: NOW_S - 301 }));
    assert.deepEqual(result, { ok: false, reason: 'timestamp outside tolerance' });
  });

  it('rejects a timestamp more than 300 s ahead, which stripe-node would accept', () => {
    const h = header({ timestamp: NOW_S + 301 });
    // Divergence on purpose: the library checks only age.
    assert.equal(
      Stripe.webhooks.signature?.verifyHeader(payload, h, secret, 300, undefined, NOW_MS),
      true,
    );
    assert.deepEqual(verify(h), { ok: false, reason: 'timestamp outside tolerance' });
  });

  it('honours a source tolerance override', () => {
    const h = header({ timestamp: NOW_S - 600 });
    assert.equal(check(stripe, request(payload, { 'stripe-signature': h }), [secret]).ok, false);
    const wide = check(stripe, request(payload, { 'stripe-signature': h }), [secret], {
      toleranceSeconds: 900,
    });
    assert.equal(wide.ok, true);
  });

  it('rejects missing or garbage headers without throwing', () => {
    const good = v1Of(header());
    for (const h of [
      undefined,
      '',
      'garbage',
      ',,,',
      '=',
      't=,v1=',
      `t=abc,v1=${good}`,
      `t=${NOW_S}.5,v1=${good}`,
      `t=-${NOW_S},v1=${good}`,
      `v1=${good}`,
      `t=${NOW_S}`,
      `t=${NOW_S},v1=not-hex`,
      `t=${NOW_S},v1=${good}z`,
      `t${NOW_S},v1${good}`,
    ]) {
      const result = verify(h);
      assert.equal(result.ok, false, `accepted ${String(h)}`);
    }
  });

  it('rejects a signature of a different length without throwing', () => {
    const good = v1Of(header());
    assert.equal(verify(`t=${NOW_S},v1=${good.slice(0, 62)}`).ok, false);
    assert.equal(verify(`t=${NOW_S},v1=${good}00`).ok, false);
    assert.equal(verify(`t=${NOW_S},v1=${good.slice(0, 40)}`).ok, false);
  });

  it('uses the whole whsec_ string as the key (not base64-decoded)', () => {
    const b64 = 'whsec_' + randomBytes(24).toString('base64');
    assert.equal(verify(header({ secret: b64 }), payload, [b64]).ok, true);
  });

  it('identifies the event by the body id and type', () => {
    assert.deepEqual(stripe.identify(request(payload), {}), {
      eventId: 'evt_1',
      eventType: 'payment_intent.succeeded',
    });
    assert.deepEqual(stripe.identify(request('not json'), {}), {
      eventId: undefined,
      eventType: undefined,
    });
    assert.deepEqual(stripe.identify(request('{"id":7,"type":["x"]}'), {}), {
      eventId: undefined,
      eventType: undefined,
    });
  });
});
