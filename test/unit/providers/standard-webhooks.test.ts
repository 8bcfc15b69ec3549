import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes, sign as edSign } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import {
  standardWebhooks,
  standardWebhooksKey,
  standardWebhooksPublicKey,
} from '../../../src/providers/standard-webhooks/provider.ts';
import { standardWebhooksSimulator } from '../../../src/providers/standard-webhooks/simulate.ts';
import { standardWebhooksVectors } from '../../../src/providers/standard-webhooks/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, NOW_MS, NOW_S, request } from './support.ts';

const secret = 'whsec_' + randomBytes(24).toString('base64');
const otherSecret = 'whsec_' + randomBytes(32).toString('base64');
const payload = JSON.stringify({ type: 'invoice.paid', data: { id: 'in_1' } });
const msgId = 'msg_' + randomBytes(8).toString('hex');

/** A `v1,<b64>` entry as the standardwebhooks library makes it (the oracle). */
function sign(opts: { secret?: string; timestamp?: number; body?: string; id?: string } = {}) {
  return new Webhook(opts.secret ?? secret).sign(
    opts.id ?? msgId,
    new Date((opts.timestamp ?? NOW_S) * 1000),
    opts.body ?? payload,
  );
}

function headers(signature: string, timestamp = NOW_S, id = msgId) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };
}

const verify = (
  h: Record<string, string | undefined>,
  body = payload,
  secrets: readonly string[] = [secret],
) => check(standardWebhooks, request(body, h), secrets);

describe('standard-webhooks provider', () => {
  it('accepts a signature made by the standardwebhooks library', () => {
    assert.deepEqual(verify(headers(sign())), { ok: true });
  });

  it('matches the library test vector', () => {
    const result = check(
      standardWebhooks,
      request('{"test": 2432232314}', {
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      }),
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      { now: 1614265330_000 },
    );
    assert.deepEqual(result, { ok: true });
  });

  it('accepts the svix-* header aliases', () => {
    const result = verify({
      'svix-id': msgId,
      'svix-timestamp': String(NOW_S),
      'svix-signature': sign(),
    });
    assert.deepEqual(result, { ok: true });
  });

  it('rejects a tampered body, id or timestamp', () => {
    const sig = sign();
    assert.equal(verify(headers(sig), payload + '\n').ok, false);
    assert.equal(verify(headers(sig, NOW_S, msgId + 'x')).ok, false);
    assert.equal(verify(headers(sig, NOW_S + 1)).ok, false);
  });

  it('rejects a signature made with another secret', () => {
    assert.equal(verify(headers(sign({ secret: otherSecret }))).ok, false);
  });

  it('accepts the second secret of the source (rotation on our side)', () => {
    const result = verify(headers(sign({ secret: otherSecret })), payload, [secret, otherSecret]);
    assert.equal(result.ok, true);
  });

  it('accepts any of several space-separated v1 signatures, ignoring other versions', () => {
    const other = sign({ secret: otherSecret });
    const good = sign();
    const v1a = 'v1a,' + randomBytes(64).toString('base64');
    assert.equal(verify(headers(`${v1a} ${other} ${good}`)).ok, true);
    assert.equal(verify(headers(`${v1a} ${other}`)).ok, false);
    assert.equal(verify(headers(good.replace('v1,', 'v1a,'))).ok, false);
    assert.equal(verify(headers(good.replace('v1,', 'v2,'))).ok, false);
  });

  it('takes a secret without the whsec_ prefix as base64', () => {
    const bare = secret.slice('whsec_'.length);
    assert.equal(verify(headers(sign()), payload, [bare]).ok, true);
  });

  it('rejects (without throwing) when no secret is valid base64', () => {
    assert.equal(standardWebhooksKey('whsec_not base64!'), undefined);
    assert.equal(standardWebhooksKey('whsec_'), undefined);
    assert.equal(verify(headers(sign()), payload, ['whsec_***']).ok, false);
  });

  it('accepts timestamps exactly at the tolerance, either way', () => {
    for (const t of [NOW_S - 300, NOW_S + 300]) {
      assert.equal(verify(headers(sign({ timestamp: t }), t)).ok, true, `t=${t}`);
    }
  });

  it('rejects a timestamp more than 300 s old', () => {
    const t = NOW_S - 301;
    const result = verify(headers(sign({ timestamp: t }), t));
    assert.deepEqual(result, { ok: false, reason: 'timestamp outside tolerance' });
  });

  it('rejects a timestamp more than 300 s ahead', () => {
    const t = NOW_S + 301;
    const result = verify(headers(sign({ timestamp: t }), t));
    assert.deepEqual(result, { ok: false, reason: 'timestamp outside tolerance' });
  });

  it('rejects missing or garbage headers without throwing', () => {
    const sig = sign();
    const full = headers(sig);
    assert.equal(verify({}).ok, false);
    assert.equal(verify({ ...full, 'webhook-id': undefined }).ok, false);
    assert.equal(verify({ ...full, 'webhook-timestamp': undefined }).ok, false);
    assert.equal(verify({ ...full, 'webhook-signature': undefined }).ok, false);
    for (const ts of ['', 'now', '1e9', `${NOW_S}.0`, `-${NOW_S}`, 'NaN', '9'.repeat(20)]) {
      assert.equal(verify({ ...full, 'webhook-timestamp': ts }).ok, false, `ts ${ts}`);
    }
    for (const s of ['', 'v1,', 'v1', 'garbage', 'v1,!!!!', `v1,${'A'.repeat(10000)}`]) {
      assert.equal(verify({ ...full, 'webhook-signature': s }).ok, false, `sig ${s}`);
    }
  });

  it('rejects a signature of a different length without throwing', () => {
    const b64 = sign().slice('v1,'.length);
    const short = Buffer.from(b64, 'base64').subarray(0, 20).toString('base64');
    const long = Buffer.concat([Buffer.from(b64, 'base64'), Buffer.alloc(1)]).toString('base64');
    assert.equal(verify(headers(`v1,${short}`)).ok, false);
    assert.equal(verify(headers(`v1,${long}`)).ok, false);
  });

  it('identifies the event by webhook-id and the body type', () => {
    assert.deepEqual(standardWebhooks.identify(request(payload, headers('v1,x')), {}), {
      eventId: msgId,
      eventType: 'invoice.paid',
    });
    assert.deepEqual(standardWebhooks.identify(request('{"type":1}', { 'svix-id': 'm2' }), {}), {
      eventId: 'm2',
      eventType: undefined,
    });
  });

  it('passes the library test vectors', () => {
    for (const v of standardWebhooksVectors) {
      const h = {
        'webhook-id': v.id,
        'webhook-timestamp': v.timestamp,
        'webhook-signature': v.signature,
      };
      const result = check(standardWebhooks, request(v.body, h), [v.secret], {
        now: Number(v.timestamp) * 1000,
      });
      assert.deepEqual(result, { ok: true }, v.source);
    }
  });

  it('takes svix-* over webhook-* header by header, as the svix library does', () => {
    const good = headers(sign());
    const svix = { 'svix-id': msgId, 'svix-timestamp': String(NOW_S), 'svix-signature': sign() };
    // A wrong webhook-* set is ignored when the svix-* one is sent.
    const wrong = headers('v1,' + randomBytes(32).toString('base64'), NOW_S, 'other');
    assert.equal(verify({ ...wrong, ...svix }).ok, true);
    assert.equal(
      verify({ ...good, 'svix-signature': 'v1,' + randomBytes(32).toString('base64') }).ok,
      false,
    );
    // Mixed names, as svix allows: svix-id with webhook-timestamp and webhook-signature.
    assert.equal(verify({ ...good, 'webhook-id': undefined, 'svix-id': msgId }).ok, true);
    assert.deepEqual(
      standardWebhooks.identify(request(payload, { ...good, 'svix-id': 'm9' }), {}),
      {
        eventId: 'm9',
        eventType: 'invoice.paid',
      },
    );
  });

  describe('v1a (Ed25519, whpk_ public key as the secret)', () => {
    const pair = () => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
      return { whpk: 'whpk_' + raw.toString('base64'), privateKey };
    };
    const a = pair();
    const b = pair();
    const v1a = (key = a.privateKey, body = payload, t = NOW_S, id = msgId) =>
      'v1a,' + edSign(null, Buffer.from(`${id}.${t}.${body}`), key).toString('base64');

    it('accepts a valid Ed25519 signature', () => {
      assert.deepEqual(verify(headers(v1a()), payload, [a.whpk]), { ok: true });
    });

    it('rejects a tampered body or id, another key, or a v1 entry made of it', () => {
      assert.equal(verify(headers(v1a()), payload + ' ', [a.whpk]).ok, false);
      assert.equal(verify(headers(v1a(), NOW_S, 'msg_x'), payload, [a.whpk]).ok, false);
      assert.equal(verify(headers(v1a(b.privateKey)), payload, [a.whpk]).ok, false);
      assert.equal(verify(headers(v1a().replace('v1a,', 'v1,')), payload, [a.whpk]).ok, false);
    });

    it('rotates on either side and mixes with v1 entries', () => {
      assert.equal(verify(headers(v1a(b.privateKey)), payload, [a.whpk, b.whpk]).ok, true);
      assert.equal(verify(headers(`${v1a(b.privateKey)} ${v1a()}`), payload, [a.whpk]).ok, true);
      assert.equal(
        verify(headers(`${sign()} ${v1a(b.privateKey)}`), payload, [a.whpk, secret]).ok,
        true,
      );
      // A whpk_ key never checks v1, a whsec_ secret never checks v1a.
      assert.equal(verify(headers(sign()), payload, [a.whpk]).ok, false);
      assert.equal(verify(headers(v1a()), payload, [secret]).ok, false);
    });

    it('checks the timestamp window for v1a too', () => {
      const t = NOW_S - 301;
      assert.equal(verify(headers(v1a(a.privateKey, payload, t), t), payload, [a.whpk]).ok, false);
    });

    it('ignores malformed public keys and signatures without throwing', () => {
      assert.equal(
        standardWebhooksPublicKey('whpk_' + randomBytes(31).toString('base64')),
        undefined,
      );
      assert.equal(standardWebhooksPublicKey('whpk_***'), undefined);
      assert.equal(standardWebhooksPublicKey(secret), undefined);
      assert.equal(standardWebhooksKey(a.whpk), undefined);
      for (const sig of [
        'v1a,',
        'v1a,AAAA',
        `v1a,${randomBytes(64).toString('base64')}`,
        'v1a,!!',
      ]) {
        assert.equal(verify(headers(sig), payload, [a.whpk]).ok, false, sig);
      }
    });

    it('simulator signs v1a with a PEM private key', () => {
      const body = standardWebhooksSimulator.sample();
      const pem = a.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const sent = standardWebhooksSimulator.sign({
        body,
        secret: pem,
        now: NOW_MS,
        options: {},
        url: '',
      });
      assert.match(sent.headers['webhook-signature'] ?? '', /^v1a,/);
      assert.deepEqual(check(standardWebhooks, request(sent.body, sent.headers), [a.whpk]), {
        ok: true,
      });
    });
  });

  it('simulator signs v1 with a whsec_ secret, and the library accepts it', (t) => {
    const body = standardWebhooksSimulator.sample();
    const sent = standardWebhooksSimulator.sign({
      body,
      secret,
      now: NOW_MS,
      options: {},
      url: '',
    });
    assert.deepEqual(check(standardWebhooks, request(sent.body, sent.headers), [secret]), {
      ok: true,
    });
    t.mock.method(Date, 'now', () => NOW_MS);
    assert.deepEqual(
      new Webhook(secret).verify(sent.body.toString(), sent.headers),
      JSON.parse(body.toString()),
    );
    assert.throws(() =>
      standardWebhooksSimulator.sign({
        body,
        secret: 'whsec_!!',
        now: NOW_MS,
        options: {},
        url: '',
      }),
    );
  });

  describe('divergences from standardwebhooks (Hookgate on purpose)', () => {
    const lib = (h: Record<string, string>, body = payload) => {
      try {
        new Webhook(secret).verify(body, h, { jsonParse: false });
        return true;
      } catch {
        return false;
      }
    };

    it('signs the timestamp as sent; the library re-stringifies parseInt(timestamp)', (t) => {
      t.mock.method(Date, 'now', () => NOW_MS);
      for (const ts of [`0${NOW_S}`, `${NOW_S}abc`, ` ${NOW_S}`]) {
        const h = { ...headers(sign()), 'webhook-timestamp': ts };
        assert.equal(lib(h), true, ts);
        assert.equal(verify(h).ok, false, ts);
      }
    });

    it('compares decoded bytes: base64 without padding is accepted; the library compares text', (t) => {
      t.mock.method(Date, 'now', () => NOW_MS);
      const h = headers(sign().replace(/=+$/, ''));
      assert.equal(lib(h), false);
      assert.equal(verify(h).ok, true);
    });
  });

  it('agrees with the standardwebhooks and svix libraries on random cases (differential)', (t) => {
    t.mock.method(Date, 'now', () => NOW_MS);
    const cases = fc.record({
      body: fc.string({ unit: 'binary', maxLength: 200 }),
      id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
      signer: fc.uint8Array({ minLength: 24, maxLength: 64 }),
      other: fc.uint8Array({ minLength: 24, maxLength: 64 }),
      rotation: fc.boolean(),
      extraFirst: fc.boolean(),
      svixNames: fc.boolean(),
      timestamp: fc.integer({ min: NOW_S - 700, max: NOW_S + 700 }),
      tamper: fc.constantFrom('none', 'body', 'signature', 'timestamp', 'id', 'secret'),
      where: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const signer = 'whsec_' + Buffer.from(c.signer).toString('base64');
        const other = 'whsec_' + Buffer.from(c.other).toString('base64');
        fc.pre(signer !== other);
        const original = Buffer.from(c.body, 'utf8');
        const mac = (key: string, body: Buffer) =>
          createHmac('sha256', standardWebhooksKey(key) ?? Buffer.alloc(1))
            .update(`${c.id}.${c.timestamp}.`)
            .update(body)
            .digest();
        let sig = mac(signer, original);
        const decoy = 'v1,' + mac(other, original).toString('base64');
        let body = original;
        let id = c.id;
        let ts = c.timestamp;
        if (c.tamper === 'body') {
          fc.pre(body.length > 0);
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          sig = flip(sig, c.where, c.delta);
        } else if (c.tamper === 'timestamp') {
          ts += c.delta % 2 === 0 ? c.delta : -c.delta;
        } else if (c.tamper === 'id') {
          id += 'x';
        }
        const entries = [`v1,${sig.toString('base64')}`];
        if (c.extraFirst) entries.unshift(decoy);
        const names = c.svixNames
          ? ['svix-id', 'svix-timestamp', 'svix-signature']
          : ['webhook-id', 'webhook-timestamp', 'webhook-signature'];
        const h = {
          [names[0] ?? '']: id,
          [names[1] ?? '']: String(ts),
          [names[2] ?? '']: entries.join(' '),
        };
        const trusted = c.tamper === 'secret' ? [other] : c.rotation ? [other, signer] : [signer];
        const ours = check(standardWebhooks, request(body, h), trusted).ok;
        const text = body.toString('utf8');
        const theirs = trusted.some((s) => {
          try {
            if (c.svixNames) new SvixWebhook(s).verify(text, h);
            else new Webhook(s).verify(text, h, { jsonParse: false });
            return true;
          } catch (err) {
            // svix always parses the body as JSON, after the signature matched.
            return err instanceof SyntaxError;
          }
        });
        if (ours) accepted++;
        assert.equal(ours, theirs, `library says ${String(theirs)} for ${JSON.stringify(h)}`);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });
});
