import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { careem } from '../../../src/providers/careem/provider.ts';
import { careemSimulator } from '../../../src/providers/careem/simulate.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flipInPlace, NOW_MS, request } from './support.ts';

const secret = randomBytes(24).toString('hex');
const otherSecret = randomBytes(24).toString('hex');
// Seed 000's curl example payload.
const seed000 =
  '{"order_id":"TEST123","customer":{"name":"Test Customer","phone":"0791234567"},"items":[{"name":"Test Item","quantity":1,"price":10.00}],"total_amount":10.00}';
const mac = (body: string | Buffer, key = secret, algo = 'sha256', enc: 'hex' | 'base64' = 'hex') =>
  createHmac(algo, key).update(body).digest(enc);
const verify = (
  sig: string | undefined,
  body: string | Buffer = seed000,
  secrets = [secret],
  options: unknown = {},
) => check(careem, request(body, { 'x-careem-signature': sig }), secrets, { options });

describe('careem provider', () => {
  it('accepts seed 000 signing: openssl dgst -sha256 -hmac over the raw body (hex)', () => {
    assert.deepEqual(verify(mac(seed000)), { ok: true });
    // Byte-exact: "10.00" stays as sent (re-serialised JSON would say 10).
    assert.equal(verify(mac(JSON.stringify(JSON.parse(seed000)))).ok, false);
  });

  it('rejects a tampered body or another secret; accepts the second secret', () => {
    assert.equal(verify(mac(seed000), seed000.replace('TEST123', 'TEST124')).ok, false);
    assert.equal(verify(mac(seed000, otherSecret)).ok, false);
    assert.equal(verify(mac(seed000, otherSecret), seed000, [secret, otherSecret]).ok, true);
  });

  it('allows header, algorithm, encoding and prefix to be overridden', () => {
    const options = {
      header: 'X-Webhook-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'sha512=',
    };
    const sig = 'sha512=' + mac(seed000, secret, 'sha512', 'base64');
    const ok = check(careem, request(seed000, { 'x-webhook-signature': sig }), [secret], {
      options,
    });
    assert.deepEqual(ok, { ok: true });
    assert.equal(
      check(careem, request(seed000, { 'x-webhook-signature': sig.slice(7) }), [secret], {
        options,
      }).ok,
      false,
    );
    assert.equal(verify(mac(seed000)).ok, true, 'defaults unchanged');
  });

  it('rejects missing, garbage and wrong-length signatures without throwing', () => {
    const good = mac(seed000);
    for (const sig of [undefined, '', 'zz', 'not hex', good.slice(0, 62), good + 'ab'])
      assert.equal(verify(sig).ok, false, String(sig));
  });

  it('identifies order_id/id and the event type from event, status, or order.created', () => {
    assert.deepEqual(careem.identify(request(seed000), careem.optionsSchema.parse({})), {
      eventId: 'TEST123',
      eventType: 'order.created',
    });
    const seed001 = '{"id":"CR123456789","status":"created","order_number":"ORD-001"}';
    assert.deepEqual(careem.identify(request(seed001), careem.optionsSchema.parse({})), {
      eventId: 'CR123456789',
      eventType: 'order.created',
    });
    assert.deepEqual(
      careem.identify(request('{"id":"CR1","status":"CANCELLED"}'), careem.optionsSchema.parse({})),
      { eventId: 'CR1', eventType: 'order.cancelled' },
    );
    assert.deepEqual(
      careem.identify(
        request('{"order_id":7,"event":"order.updated"}'),
        careem.optionsSchema.parse({}),
      ),
      { eventId: '7', eventType: 'order.updated' },
    );
    assert.deepEqual(careem.identify(request('not json'), careem.optionsSchema.parse({})), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('simulator output verifies (seed 001 sample)', () => {
    const options = careem.optionsSchema.parse({});
    const sent = careemSimulator.sign({
      body: careemSimulator.sample({ eventId: 'CR123456789' }),
      secret,
      now: NOW_MS,
      options,
      url: 'http://x',
    });
    assert.deepEqual(check(careem, request(sent.body, sent.headers), [secret]), { ok: true });
    assert.deepEqual(careem.identify(request(sent.body), options), {
      eventId: 'CR123456789',
      eventType: 'order.created',
    });
    // Without an id, each sample is a new order.
    const ids = [1, 2, 3].map(() => careem.identify(request(careemSimulator.sample()), options));
    assert.equal(new Set(ids.map((i) => i.eventId)).size, 3);
  });

  it('accepts exactly the untampered cases (property; oracle: node:crypto HMAC)', () => {
    fc.assert(
      fc.property(
        fc.record({
          body: fc.uint8Array({ maxLength: 200 }),
          tamper: fc.constantFrom('none', 'body', 'signature', 'secret'),
          where: fc.nat(),
          delta: fc.integer({ min: 1, max: 255 }),
        }),
        (c) => {
          let body = Buffer.from(c.body);
          const sig = createHmac('sha256', secret).update(body).digest();
          if (c.tamper === 'body') body = Buffer.concat([body, Buffer.from([c.delta])]);
          if (c.tamper === 'signature') flipInPlace(sig, c.where % sig.length, c.delta);
          const ok = verify(sig.toString('hex'), body, [
            c.tamper === 'secret' ? otherSecret : secret,
          ]).ok;
          assert.equal(ok, c.tamper === 'none');
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
