import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { typeform } from '../../../src/providers/typeform/provider.ts';
import { typeformSimulator } from '../../../src/providers/typeform/simulate.ts';
import { typeformVectors } from '../../../src/providers/typeform/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, NOW_MS, request } from './support.ts';

const secret = randomBytes(16).toString('base64');
const otherSecret = randomBytes(16).toString('base64');
const payload = JSON.stringify({
  event_id: '01HX0000AAAA',
  event_type: 'form_response',
  form_response: {},
});

/**
 * Typeform's documented formula by hand (there is no official verifier library): the reference
 * implementation the differential test compares against.
 */
function reference(body: Buffer, header: string | undefined, key: string): boolean {
  if (header === undefined) return false;
  return header === 'sha256=' + createHmac('sha256', key).update(body).digest('base64');
}

const sign = (body: string | Buffer, key = secret) =>
  'sha256=' + createHmac('sha256', key).update(body).digest('base64');
const verify = (sig: string | undefined, body = payload, secrets = [secret]) =>
  check(typeform, request(body, { 'typeform-signature': sig }), secrets);

describe('typeform provider', () => {
  it('has no official vectors or verifier library (see vectors.ts)', () => {
    assert.equal(typeformVectors.length, 0);
  });

  it('accepts a valid signature', () => {
    assert.deepEqual(verify(sign(payload)), { ok: true });
  });

  it('rejects a tampered body or another secret; accepts the second secret', () => {
    assert.equal(verify(sign(payload), payload + ' ').ok, false);
    assert.equal(verify(sign(payload, otherSecret)).ok, false);
    assert.equal(verify(sign(payload, otherSecret), payload, [secret, otherSecret]).ok, true);
  });

  it('rejects missing or garbled headers without throwing', () => {
    const b64 = sign(payload).slice('sha256='.length);
    assert.deepEqual(verify(undefined), { ok: false, reason: 'missing Typeform-Signature header' });
    for (const s of [
      '',
      'sha256=',
      b64,
      `sha1=${b64}`,
      `SHA256=${b64}`,
      `sha256=${b64.slice(4)}`,
      'sha256=!!!!',
    ]) {
      assert.equal(verify(s).ok, false, s);
    }
  });

  it('has no timestamp', () => {
    assert.equal(typeform.defaultToleranceSeconds, 0);
  });

  it('identifies by event_id and event_type', () => {
    assert.deepEqual(typeform.identify(request(payload), {}), {
      eventId: '01HX0000AAAA',
      eventType: 'form_response',
    });
    assert.deepEqual(typeform.identify(request('nope'), {}), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('simulator output verifies', () => {
    const body = typeformSimulator.sample();
    const sent = typeformSimulator.sign({ body, secret, now: NOW_MS, options: {}, url: '' });
    assert.deepEqual(check(typeform, request(sent.body, sent.headers), [secret]), { ok: true });
    assert.equal(typeform.identify(request(sent.body), {}).eventType, 'form_response');
  });

  it('accepts unpadded base64 (decoded bytes are compared); a text compare would not', () => {
    const unpadded = sign(payload).replace(/=+$/, '');
    assert.equal(reference(Buffer.from(payload), unpadded, secret), false);
    assert.equal(verify(unpadded).ok, true);
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
        let mac = createHmac('sha256', c.signer).update(body).digest();
        let prefix = 'sha256=';
        if (c.tamper === 'body') {
          fc.pre(body.length > 0);
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          mac = flip(mac, c.where, c.delta);
        } else if (c.tamper === 'prefix') {
          prefix = 'sha1=';
        }
        const sig = prefix + mac.toString('base64');
        const trusted =
          c.tamper === 'secret' ? [c.other] : c.rotation ? [c.other, c.signer] : [c.signer];
        const ours = check(typeform, request(body, { 'typeform-signature': sig }), trusted).ok;
        const theirs = trusted.some((s) => reference(body, sig, s));
        if (ours) accepted++;
        assert.equal(ours, theirs);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });
});
