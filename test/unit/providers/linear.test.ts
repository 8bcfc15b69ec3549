import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import fc from 'fast-check';
import { linear } from '../../../src/providers/linear/provider.ts';
import { linearSimulator } from '../../../src/providers/linear/simulate.ts';
import { linearVectors } from '../../../src/providers/linear/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, NOW_MS, request } from './support.ts';

const secret = 'lin_wh_' + randomBytes(24).toString('hex');
const otherSecret = 'lin_wh_' + randomBytes(24).toString('hex');

const bodyAt = (ms: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    action: 'create',
    type: 'Issue',
    data: { id: 'i1' },
    ...extra,
    webhookTimestamp: ms,
  });
const payload = bodyAt(NOW_MS);
const sign = (body: string | Buffer, key = secret) =>
  createHmac('sha256', key).update(body).digest('hex');

const verify = (sig: string | undefined, body = payload, secrets = [secret]) =>
  check(linear, request(body, { 'linear-signature': sig }), secrets);

/** @linear/sdk's verify (throws on any failure), with Date.now pinned by the caller. */
function sdk(body: Buffer, sig: string, key = secret): boolean {
  try {
    return new LinearWebhookClient(key).verify(body, sig);
  } catch {
    return false;
  }
}

describe('linear provider', () => {
  it('has no official fixed vectors (see vectors.ts)', () => {
    assert.equal(linearVectors.length, 0);
  });

  it('accepts a valid signature, which @linear/sdk accepts too', (t) => {
    t.mock.method(Date, 'now', () => NOW_MS);
    assert.deepEqual(verify(sign(payload)), { ok: true });
    assert.equal(sdk(Buffer.from(payload), sign(payload)), true);
  });

  it('rejects a tampered body or another secret; accepts the second secret', () => {
    assert.equal(verify(sign(payload), payload.replace('i1', 'i2')).ok, false);
    assert.equal(verify(sign(payload, otherSecret)).ok, false);
    assert.equal(verify(sign(payload, otherSecret), payload, [secret, otherSecret]).ok, true);
  });

  it('checks webhookTimestamp (ms) within 60 s both ways', () => {
    for (const ms of [NOW_MS - 60_000, NOW_MS + 60_000, NOW_MS + 59_999]) {
      assert.equal(verify(sign(bodyAt(ms)), bodyAt(ms)).ok, true, String(ms));
    }
    for (const ms of [NOW_MS - 60_001, NOW_MS + 60_001]) {
      const result = verify(sign(bodyAt(ms)), bodyAt(ms));
      assert.deepEqual(result, { ok: false, reason: 'webhookTimestamp outside tolerance' });
    }
  });

  it('needs a numeric webhookTimestamp in the body', () => {
    for (const body of [
      bodyAt(String(NOW_MS)),
      bodyAt(null),
      '{"type":"Issue"}',
      'not json',
      '[1]',
      '',
    ]) {
      const result = verify(sign(body), body);
      assert.equal(result.ok, false, body);
    }
    assert.deepEqual(verify(sign('{}'), '{}'), {
      ok: false,
      reason: 'no numeric webhookTimestamp in the body',
    });
  });

  it('ignores the unsigned Linear-Timestamp header', () => {
    const old = bodyAt(NOW_MS - 3_600_000);
    const h = { 'linear-signature': sign(old), 'linear-timestamp': String(NOW_MS) };
    assert.equal(check(linear, request(old, h), [secret]).ok, false);
  });

  it('rejects missing or garbled signatures without throwing', () => {
    const good = sign(payload);
    for (const s of [
      undefined,
      '',
      'zz',
      good.slice(2),
      good + '00',
      `sha256=${good}`,
      good + 'z',
    ]) {
      assert.equal(verify(s).ok, false, String(s));
    }
  });

  it('identifies by Linear-Delivery and Linear-Event plus the body action', () => {
    const h = { 'linear-delivery': 'd-1', 'linear-event': 'Issue' };
    assert.deepEqual(linear.identify(request(payload, h), {}), {
      eventId: 'd-1',
      eventType: 'Issue.create',
    });
    assert.deepEqual(linear.identify(request('{"type":"Comment"}'), {}), {
      eventId: undefined,
      eventType: 'Comment',
    });
    assert.deepEqual(linear.identify(request('x'), {}), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('simulator output verifies (webhookTimestamp set to now) and the SDK accepts it', (t) => {
    t.mock.method(Date, 'now', () => NOW_MS);
    const body = linearSimulator.sample();
    const sent = linearSimulator.sign({ body, secret, now: NOW_MS, options: {}, url: '' });
    assert.deepEqual(check(linear, request(sent.body, sent.headers), [secret]), { ok: true });
    assert.equal(sdk(sent.body, sent.headers['linear-signature'] ?? ''), true);
    const identity = linear.identify(request(sent.body, sent.headers), {});
    assert.equal(identity.eventType, 'Issue.create');
    const raw = linearSimulator.sign({
      body: Buffer.from('plain'),
      secret,
      now: NOW_MS,
      options: {},
      url: '',
    });
    assert.equal(raw.body.toString(), 'plain');
  });

  describe('divergences from @linear/sdk (Hookgate on purpose)', () => {
    it('accepts upper-case hex (compares bytes); the SDK compares strings', (t) => {
      t.mock.method(Date, 'now', () => NOW_MS);
      const upper = sign(payload).toUpperCase();
      assert.equal(sdk(Buffer.from(payload), upper), false);
      assert.equal(verify(upper).ok, true);
    });
  });

  it('agrees with @linear/sdk LinearWebhookClient.verify on random cases (differential)', (t) => {
    t.mock.method(Date, 'now', () => NOW_MS);
    const cases = fc.record({
      text: fc.string({ unit: 'binary', maxLength: 120 }),
      // Some bodies carry no usable timestamp: a string, null, missing, or not JSON at all.
      timestamp: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: NOW_MS - 120_000, max: NOW_MS + 120_000 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom<unknown>(null, String(NOW_MS), undefined, NOW_MS + 0.5),
        },
      ),
      json: fc.nat(9).map((n) => n !== 0),
      signer: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      other: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      rotation: fc.boolean(),
      tamper: fc.constantFrom('none', 'body', 'signature', 'secret'),
      where: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        fc.pre(c.signer !== c.other);
        const text = c.json ? bodyAt(c.timestamp, { data: { title: c.text } }) : c.text;
        let body = Buffer.from(text, 'utf8');
        let mac = createHmac('sha256', c.signer).update(body).digest();
        if (c.tamper === 'body') {
          fc.pre(body.length > 0);
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          mac = flip(mac, c.where, c.delta);
        }
        const sig = mac.toString('hex');
        const trusted =
          c.tamper === 'secret' ? [c.other] : c.rotation ? [c.other, c.signer] : [c.signer];
        const ours = check(linear, request(body, { 'linear-signature': sig }), trusted).ok;
        const theirs = trusted.some((s) => sdk(body, sig, s));
        if (ours) accepted++;
        assert.equal(ours, theirs, `SDK says ${String(theirs)} for ${text}`);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });
});
