import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { intercom } from '../../../src/providers/intercom/provider.ts';
import { intercomSimulator } from '../../../src/providers/intercom/simulate.ts';
import { intercomVectors } from '../../../src/providers/intercom/vectors.ts';
import { verifyWebhook } from '../../../src/verify/verified.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, NOW_MS, request } from './support.ts';

const secret = randomBytes(20).toString('hex');
const otherSecret = randomBytes(20).toString('hex');
const payload = JSON.stringify({
  type: 'notification_event',
  id: 'notif_ccd8a4d2-a7d2-4fb3-8f2e-1a0c1f4e8d2b',
  topic: 'conversation.user.created',
  data: { item: { type: 'conversation', id: '147' } },
});

/**
 * Intercom's documented formula by hand (there is no official verifier library): the reference
 * implementation the differential test compares against.
 */
function reference(body: Buffer, header: string, key: string): boolean {
  return header === 'sha1=' + createHmac('sha1', key).update(body).digest('hex');
}

const sign = (body: string | Buffer, key = secret) =>
  'sha1=' + createHmac('sha1', key).update(body).digest('hex');
const verify = (sig: string | undefined, body = payload, secrets = [secret]) =>
  check(intercom, request(body, { 'x-hub-signature': sig }), secrets);

describe('intercom provider', () => {
  it('has no official vectors or verifier library (see vectors.ts)', () => {
    assert.equal(intercomVectors.length, 0);
  });

  it('accepts a valid signature', () => {
    assert.deepEqual(verify(sign(payload)), { ok: true });
  });

  it('rejects a tampered body or another secret; accepts the second secret', () => {
    assert.equal(verify(sign(payload), payload + ' ').ok, false);
    assert.equal(verify(sign(payload, otherSecret)).ok, false);
    assert.equal(verify(sign(payload, otherSecret), payload, [secret, otherSecret]).ok, true);
  });

  it('rejects missing or garbled headers, and a SHA-256 signature, without throwing', () => {
    const hex = sign(payload).slice('sha1='.length);
    const sha256 = createHmac('sha256', secret).update(payload).digest('hex');
    assert.deepEqual(verify(undefined), { ok: false, reason: 'missing X-Hub-Signature header' });
    for (const s of [
      '',
      'sha1=',
      hex,
      `sha256=${hex}`,
      `sha256=${sha256}`,
      `sha1=${sha256}`,
      `sha1=${hex}zz`,
    ]) {
      assert.equal(verify(s).ok, false, s);
    }
  });

  it('has no timestamp and no handshake: the ping topic is an ordinary event', async () => {
    assert.equal(intercom.defaultToleranceSeconds, 0);
    assert.equal(intercom.handshake, undefined);
    const ping = JSON.stringify({
      type: 'notification_event',
      id: 'notif_1',
      topic: 'ping',
      data: { item: { type: 'ping', message: 'something' } },
    });
    const source = {
      provider: intercom,
      secrets: [secret],
      toleranceSeconds: 0,
      options: {},
      runtime: undefined,
    };
    const verified = await verifyWebhook(
      source,
      request(ping, { 'x-hub-signature': sign(ping) }),
      NOW_MS,
      () => {},
    );
    assert.equal(verified.handshake, undefined);
    assert.equal(verified.eventType, 'ping');
  });

  it('identifies by id and topic', () => {
    assert.deepEqual(intercom.identify(request(payload), {}), {
      eventId: 'notif_ccd8a4d2-a7d2-4fb3-8f2e-1a0c1f4e8d2b',
      eventType: 'conversation.user.created',
    });
    assert.deepEqual(intercom.identify(request('nope'), {}), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('simulator output verifies', () => {
    const body = intercomSimulator.sample();
    const sent = intercomSimulator.sign({ body, secret, now: NOW_MS, options: {}, url: '' });
    assert.deepEqual(check(intercom, request(sent.body, sent.headers), [secret]), { ok: true });
    assert.equal(intercom.identify(request(sent.body), {}).eventType, 'conversation.user.created');
  });

  it('accepts upper-case hex (decoded bytes are compared); a text compare would not', () => {
    const upper = 'sha1=' + sign(payload).slice(5).toUpperCase();
    assert.equal(reference(Buffer.from(payload), upper, secret), false);
    assert.equal(verify(upper).ok, true);
  });

  it('agrees with the documented formula (Node crypto) on random cases (differential)', () => {
    const cases = fc.record({
      body: fc.string({ unit: 'binary', maxLength: 200 }),
      signer: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      other: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      rotation: fc.boolean(),
      tamper: fc.constantFrom('none', 'body', 'signature', 'secret', 'prefix'),
      where: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        fc.pre(c.signer !== c.other);
        let body = Buffer.from(c.body, 'utf8');
        let mac = createHmac('sha1', c.signer).update(body).digest();
        let prefix = 'sha1=';
        if (c.tamper === 'body') {
          fc.pre(body.length > 0);
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          mac = flip(mac, c.where, c.delta);
        } else if (c.tamper === 'prefix') {
          prefix = 'sha256=';
        }
        const sig = prefix + mac.toString('hex');
        const trusted =
          c.tamper === 'secret' ? [c.other] : c.rotation ? [c.other, c.signer] : [c.signer];
        const ours = check(intercom, request(body, { 'x-hub-signature': sig }), trusted).ok;
        const theirs = trusted.some((s) => reference(body, sig, s));
        if (ours) accepted++;
        assert.equal(ours, theirs);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });
});
