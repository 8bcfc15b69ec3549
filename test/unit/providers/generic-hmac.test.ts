import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { genericHmac } from '../../../src/providers/generic-hmac/provider.ts';
import { check, NOW_S, request } from './support.ts';

const secret = randomBytes(24).toString('hex');
const otherSecret = randomBytes(24).toString('hex');
const payload = JSON.stringify({ order: { id: 42, status: 'placed' }, event: 'order.created' });

type Algo = 'sha1' | 'sha256' | 'sha512';
type Enc = 'hex' | 'base64' | 'base64url';
const mac = (content: string, key = secret, algo: Algo = 'sha256', enc: Enc = 'hex') =>
  createHmac(algo, key).update(content).digest(enc);

const parse = (options: unknown) => genericHmac.optionsSchema.safeParse(options);

describe('generic-hmac provider', () => {
  describe('options', () => {
    it('has defaults: x-signature, sha256, hex, no prefix, {body}', () => {
      const o = genericHmac.optionsSchema.parse({});
      assert.equal(o.header, 'x-signature');
      assert.equal(o.algorithm, 'sha256');
      assert.equal(o.encoding, 'hex');
      assert.equal(o.prefix, '');
      assert.equal(o.template, '{body}');
    });

    it('lower-cases header names', () => {
      const o = genericHmac.optionsSchema.parse({
        header: 'X-Careem-Signature',
        timestampHeader: 'X-TS',
        template: '{timestamp}.{body}',
      });
      assert.equal(o.header, 'x-careem-signature');
      assert.equal(o.timestampHeader, 'x-ts');
    });

    it('rejects an unknown placeholder with a clear message', () => {
      const result = parse({ template: '{timestmap}.{body}' });
      assert.equal(result.success, false);
      assert.deepEqual(result.error?.issues[0]?.path, ['template']);
      assert.match(result.error?.issues[0]?.message ?? '', /unknown placeholder/);
    });

    it('requires timestampHeader when the template uses {timestamp}', () => {
      const result = parse({ template: '{timestamp}.{body}' });
      assert.equal(result.success, false);
      assert.deepEqual(result.error?.issues[0]?.path, ['timestampHeader']);
    });

    it('requires idHeader when the template uses {id}', () => {
      const result = parse({ template: '{id}.{timestamp}.{body}', timestampHeader: 'x-ts' });
      assert.equal(result.success, false);
      assert.deepEqual(result.error?.issues[0]?.path, ['idHeader']);
    });

    it('rejects unknown keys and bad values', () => {
      assert.equal(parse({ secret: 'x' }).success, false);
      assert.equal(parse({ algorithm: 'md5' }).success, false);
      assert.equal(parse({ encoding: 'base32' }).success, false);
      assert.equal(parse({ header: 'x signature' }).success, false);
    });
  });

  describe('Careem (x-careem-signature: hex HMAC-SHA256 of the body)', () => {
    const options = { header: 'x-careem-signature' };
    const verify = (sig: string | undefined, body = payload, secrets = [secret]) =>
      check(genericHmac, request(body, { 'x-careem-signature': sig }), secrets, { options });

    it('accepts a valid signature', () => {
      assert.deepEqual(verify(mac(payload)), { ok: true });
    });

    it('accepts upper-case hex too', () => {
      assert.equal(verify(mac(payload).toUpperCase()).ok, true);
    });

    it('rejects a tampered body and a wrong secret', () => {
      assert.equal(verify(mac(payload), payload.replace('42', '43')).ok, false);
      assert.equal(verify(mac(payload, otherSecret)).ok, false);
    });

    it('accepts the second secret (rotation)', () => {
      assert.equal(verify(mac(payload, otherSecret), payload, [secret, otherSecret]).ok, true);
    });

    it('needs no timestamp', () => {
      const old = check(
        genericHmac,
        request(payload, { 'x-careem-signature': mac(payload) }),
        [secret],
        { options, now: 0 },
      );
      assert.equal(old.ok, true);
    });

    it('rejects missing, garbage and different-length signatures without throwing', () => {
      const good = mac(payload);
      for (const sig of [
        undefined,
        '',
        'zz',
        'not hex',
        good.slice(0, 40),
        good + 'ab',
        good + 'a',
      ]) {
        assert.equal(verify(sig).ok, false, `accepted ${String(sig)}`);
      }
      const other = check(genericHmac, request(payload, { 'x-signature': good }), [secret], {
        options,
      });
      assert.equal(other.ok, false);
    });
  });

  describe('prefix, encodings, algorithms', () => {
    it('handles a sha256= prefix with base64 (Typeform style)', () => {
      const options = { header: 'typeform-signature', encoding: 'base64', prefix: 'sha256=' };
      const sig = 'sha256=' + mac(payload, secret, 'sha256', 'base64');
      const ok = check(genericHmac, request(payload, { 'typeform-signature': sig }), [secret], {
        options,
      });
      assert.deepEqual(ok, { ok: true });
      const noPrefix = check(
        genericHmac,
        request(payload, { 'typeform-signature': sig.slice('sha256='.length) }),
        [secret],
        { options },
      );
      assert.equal(noPrefix.ok, false);
    });

    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      for (const encoding of ['hex', 'base64', 'base64url'] as const) {
        it(`verifies ${algorithm} in ${encoding}`, () => {
          const sig = mac(payload, secret, algorithm, encoding);
          const result = check(genericHmac, request(payload, { 'x-signature': sig }), [secret], {
            options: { algorithm, encoding },
          });
          assert.deepEqual(result, { ok: true });
        });
      }
    }

    it('does not accept a signature of another algorithm', () => {
      const result = check(
        genericHmac,
        request(payload, { 'x-signature': mac(payload, secret, 'sha1') }),
        [secret],
        { options: { algorithm: 'sha256' } },
      );
      assert.equal(result.ok, false);
    });

    it('splits several signatures with signatureSeparator', () => {
      const options = { signatureSeparator: ',', prefix: 'v1=' };
      const h = `v0=${mac(payload)}, v1=${mac(payload, otherSecret)}, v1=${mac(payload)}`;
      assert.equal(
        check(genericHmac, request(payload, { 'x-signature': h }), [secret], { options }).ok,
        true,
      );
      const without = check(genericHmac, request(payload, { 'x-signature': h }), [secret], {
        options: { prefix: 'v1=' },
      });
      assert.equal(without.ok, false);
    });
  });

  describe('templates with a timestamp and id', () => {
    const options = {
      header: 'x-sig',
      template: '{id}.{timestamp}.{body}',
      timestampHeader: 'x-ts',
      idHeader: 'x-id',
    };
    const signed = (t: number, id = 'ev_1') => ({
      'x-sig': mac(`${id}.${t}.${payload}`),
      'x-ts': String(t),
      'x-id': id,
    });
    const verify = (h: Record<string, string | undefined>, body = payload) =>
      check(genericHmac, request(body, h), [secret], { options });

    it('accepts a valid signature', () => {
      assert.deepEqual(verify(signed(NOW_S)), { ok: true });
    });

    it('rejects a changed timestamp or id', () => {
      assert.equal(verify({ ...signed(NOW_S), 'x-ts': String(NOW_S + 1) }).ok, false);
      assert.equal(verify({ ...signed(NOW_S), 'x-id': 'ev_2' }).ok, false);
    });

    it('rejects a timestamp more than 300 s old or ahead', () => {
      assert.equal(verify(signed(NOW_S - 300)).ok, true);
      assert.equal(verify(signed(NOW_S + 300)).ok, true);
      assert.deepEqual(verify(signed(NOW_S - 301)), {
        ok: false,
        reason: 'timestamp outside tolerance',
      });
      assert.deepEqual(verify(signed(NOW_S + 301)), {
        ok: false,
        reason: 'timestamp outside tolerance',
      });
    });

    it('rejects a missing or malformed timestamp, or a missing id, without throwing', () => {
      assert.equal(verify({ ...signed(NOW_S), 'x-ts': undefined }).ok, false);
      assert.equal(verify({ ...signed(NOW_S), 'x-ts': 'yesterday' }).ok, false);
      assert.equal(verify({ ...signed(NOW_S), 'x-id': undefined }).ok, false);
      // A signature over an empty id must not pass when the id header is absent.
      assert.equal(verify({ ...signed(NOW_S, ''), 'x-id': undefined }).ok, false);
    });

    it('signs a {header:…} value, and rejects when that header is missing', () => {
      const o = { header: 'x-sig', template: 'v0:{header:X-Shop}:{body}' };
      const sig = mac(`v0:shop.example:${payload}`);
      const ok = check(
        genericHmac,
        request(payload, { 'x-sig': sig, 'x-shop': 'shop.example' }),
        [secret],
        { options: o },
      );
      assert.deepEqual(ok, { ok: true });
      const missing = check(genericHmac, request(payload, { 'x-sig': sig }), [secret], {
        options: o,
      });
      assert.equal(missing.ok, false);
    });

    it('signs the raw body bytes, even when they are not UTF-8', () => {
      const body = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
      const sig = createHmac('sha256', secret).update(body).digest('hex');
      const result = check(genericHmac, request(body, { 'x-signature': sig }), [secret]);
      assert.deepEqual(result, { ok: true });
    });
  });

  describe('identify', () => {
    it('reads id and type from headers first', () => {
      const o = genericHmac.optionsSchema.parse({
        idHeader: 'X-Event-Id',
        eventTypeHeader: 'X-Event-Type',
        eventIdPath: 'order.id',
        eventTypePath: 'event',
      });
      const req = request(payload, { 'x-event-id': 'h1', 'x-event-type': 'h.type' });
      assert.deepEqual(genericHmac.identify(req, o), { eventId: 'h1', eventType: 'h.type' });
    });

    it('falls back to dotted JSON paths, numbers as strings', () => {
      const o = genericHmac.optionsSchema.parse({
        eventIdPath: 'order.id',
        eventTypePath: 'event',
      });
      assert.deepEqual(genericHmac.identify(request(payload), o), {
        eventId: '42',
        eventType: 'order.created',
      });
      assert.deepEqual(genericHmac.identify(request('not json'), o), {
        eventId: undefined,
        eventType: undefined,
      });
    });

    it('identifies nothing by default', () => {
      const o = genericHmac.optionsSchema.parse({});
      assert.deepEqual(genericHmac.identify(request(payload), o), {
        eventId: undefined,
        eventType: undefined,
      });
    });
  });
});

describe('generic-hmac simulator', () => {
  it('signs with the source options (template, timestamp, id, header values, prefix)', async () => {
    const { genericHmacSimulator } =
      await import('../../../src/providers/generic-hmac/simulate.ts');
    const raw = {
      header: 'x-sig',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'v1=',
      template: '{id}.{timestamp}.{header:X-Shop}.{body}',
      timestampHeader: 'x-ts',
      idHeader: 'x-id',
    };
    const sent = genericHmacSimulator.sign({
      body: genericHmacSimulator.sample(),
      secret,
      now: NOW_S * 1000,
      options: genericHmac.optionsSchema.parse(raw),
      url: 'http://x',
    });
    assert.equal(sent.headers['x-ts'], String(NOW_S));
    assert.deepEqual(
      check(genericHmac, request(sent.body, sent.headers), [secret], { options: raw }),
      {
        ok: true,
      },
    );
    const plain = genericHmacSimulator.sign({
      body: genericHmacSimulator.sample(),
      secret,
      now: NOW_S * 1000,
      options: genericHmac.optionsSchema.parse({}),
      url: 'http://x',
    });
    assert.deepEqual(check(genericHmac, request(plain.body, plain.headers), [secret]), {
      ok: true,
    });
  });
});
