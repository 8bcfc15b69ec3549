import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { EventWebhook } from '@sendgrid/eventwebhook';
import fc from 'fast-check';
import { sendgrid } from '../../../src/providers/sendgrid/provider.ts';
import { sendgridSimulator } from '../../../src/providers/sendgrid/simulate.ts';
import { sendgridVectors } from '../../../src/providers/sendgrid/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flipInPlace, NOW_MS, NOW_S, request } from './support.ts';

const newKeys = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    der: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};
const keys = newKeys();
const other = newKeys();
const payload = '[{"email":"a@example.com","event":"delivered","sg_event_id":"e1"}]\r\n';

const signed = (body: string | Buffer, ts = String(NOW_S), key = keys.privateKey) =>
  sign('sha256', Buffer.concat([Buffer.from(ts), Buffer.from(body)]), key).toString('base64');
const headers = (sig: string | undefined, ts: string | undefined = String(NOW_S)) => ({
  'x-twilio-email-event-webhook-signature': sig,
  'x-twilio-email-event-webhook-timestamp': ts,
});
const verify = (
  h: Record<string, string | undefined>,
  body: string | Buffer = payload,
  secrets = [keys.der],
  tolerance?: number,
) =>
  check(
    sendgrid,
    request(body, h),
    secrets,
    tolerance === undefined ? {} : { toleranceSeconds: tolerance },
  );

const ew = new EventWebhook();
const lib = (publicKey: string, body: string, sig: string, ts: string) => {
  try {
    return ew.verifySignature(ew.convertPublicKeyToECDSA(publicKey), body, sig, ts);
  } catch {
    return false;
  }
};

describe('sendgrid provider', () => {
  for (const v of sendgridVectors) {
    it(`official vector: ${v.name} → ${v.valid ? 'valid' : 'invalid'}`, () => {
      const result = check(sendgrid, request(v.body, headers(v.signature, v.timestamp)), [
        v.publicKey,
      ]);
      assert.equal(result.ok, v.valid);
      assert.equal(lib(v.publicKey, v.body, v.signature, v.timestamp), v.valid);
    });
  }

  it('accepts the dashboard key (base64 DER) and PEM', () => {
    assert.deepEqual(verify(headers(signed(payload))), { ok: true });
    assert.deepEqual(verify(headers(signed(payload)), payload, [keys.pem]), { ok: true });
  });

  it('rejects a tampered body or timestamp, and another key', () => {
    assert.equal(
      verify(headers(signed(payload)), payload.replace('delivered', 'bounce')).ok,
      false,
    );
    assert.equal(verify(headers(signed(payload), String(NOW_S + 1))).ok, false);
    assert.equal(verify(headers(signed(payload, String(NOW_S), other.privateKey))).ok, false);
  });

  it('tries every configured key (rotation)', () => {
    assert.equal(
      verify(headers(signed(payload, String(NOW_S), other.privateKey)), payload, [
        keys.der,
        other.der,
      ]).ok,
      true,
    );
  });

  it('ignores secrets that are not P-256 public keys', () => {
    const ed = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'der' })
      .toString('base64');
    assert.deepEqual(verify(headers(signed(payload)), payload, ['garbage', ed]), {
      ok: false,
      reason: 'no secret is a P-256 public key',
    });
    assert.equal(verify(headers(signed(payload)), payload, ['garbage', keys.der]).ok, true);
  });

  it('does not check the timestamp by default; checks it both ways when toleranceSeconds is set', () => {
    const old = String(NOW_S - 86400);
    assert.equal(verify(headers(signed(payload, old), old)).ok, true);
    assert.deepEqual(verify(headers(signed(payload, old), old), payload, [keys.der], 300), {
      ok: false,
      reason: 'timestamp outside tolerance',
    });
    const ahead = String(NOW_S + 301);
    assert.equal(
      verify(headers(signed(payload, ahead), ahead), payload, [keys.der], 300).ok,
      false,
    );
    const edge = String(NOW_S + 300);
    assert.equal(verify(headers(signed(payload, edge), edge), payload, [keys.der], 300).ok, true);
    assert.equal(
      verify(headers(signed(payload, 'abc'), 'abc'), payload, [keys.der], 300).ok,
      false,
    );
  });

  it('rejects missing or garbled headers without throwing', () => {
    assert.equal(verify(headers(undefined)).ok, false);
    assert.equal(verify({ 'x-twilio-email-event-webhook-signature': signed(payload) }).ok, false);
    for (const sig of [
      '',
      '!!!',
      'AAAA',
      randomBytes(72).toString('base64'),
      signed(payload) + 'AAAA',
    ]) {
      assert.equal(verify(headers(sig)).ok, false, sig);
    }
  });

  it('identifies no event id (a batch) and the shared event name, else "batch"', () => {
    assert.deepEqual(sendgrid.identify(request(payload), {}), {
      eventId: undefined,
      eventType: 'delivered',
    });
    const mixed = '[{"event":"processed"},{"event":"bounce"}]';
    assert.deepEqual(sendgrid.identify(request(mixed), {}), {
      eventId: undefined,
      eventType: 'batch',
    });
    assert.deepEqual(sendgrid.identify(request('{}'), {}), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('simulator output verifies', () => {
    const sent = sendgridSimulator.sign({
      body: sendgridSimulator.sample(),
      secret: keys.privatePem,
      now: NOW_MS,
      options: {},
      url: 'http://x/webhooks/sg',
    });
    assert.deepEqual(check(sendgrid, request(sent.body, sent.headers), [keys.der]), { ok: true });
    assert.equal(sendgrid.identify(request(sent.body), {}).eventType, 'batch');
  });

  it('rejects a correct signature over a non-UTF-8 body the library decodes lossily (divergence)', () => {
    const body = Buffer.from([0x5b, 0xff, 0x5d]);
    const sig = signed(body);
    assert.equal(verify(headers(sig), body).ok, true, 'Hookgate verifies the raw bytes');
    assert.equal(lib(keys.der, body.toString('utf8'), sig, String(NOW_S)), false);
  });

  it('rejects malformed DER framing that the library (starkbank-ecdsa) parses leniently (divergence)', () => {
    const good = Buffer.from(signed(payload), 'base64');
    const longerSequence = Buffer.from(good);
    longerSequence[1] = (longerSequence[1] ?? 0) + 5; // SEQUENCE length past the end
    const sig = longerSequence.toString('base64');
    assert.equal(lib(keys.der, payload, sig, String(NOW_S)), true);
    assert.equal(verify(headers(sig)).ok, false);
  });

  it('agrees with @sendgrid/eventwebhook on random cases (differential)', () => {
    let accepted = 0;
    const pool = [keys, other];
    fc.assert(
      fc.property(
        fc.record({
          body: fc.string({ unit: 'grapheme', maxLength: 200 }),
          timestamp: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
          signer: fc.integer({ min: 0, max: 1 }),
          tamper: fc.constantFrom('none', 'body', 'signature', 'timestamp', 'secret'),
          where: fc.nat(),
          delta: fc.integer({ min: 1, max: 255 }),
        }),
        (c) => {
          const signer = pool[c.signer]!;
          const trusted = c.tamper === 'secret' ? pool[1 - c.signer]! : signer;
          let ts = String(c.timestamp);
          let body = c.body;
          let sigBytes = sign('sha256', Buffer.from(ts + body), signer.privateKey);
          if (c.tamper === 'body') body = body + String.fromCharCode(0x20 + (c.delta % 90));
          else if (c.tamper === 'timestamp')
            ts = String(c.timestamp + (c.delta % 2 ? c.delta : -c.delta));
          else if (c.tamper === 'signature') {
            // Only the r and s value bytes: the DER framing is where the library is lax
            // (tested separately above).
            const lr = sigBytes[3] ?? 0;
            const values = [...sigBytes.keys()].filter(
              (i) => (i >= 4 && i < 4 + lr) || i >= 6 + lr,
            );
            sigBytes = Buffer.from(sigBytes);
            flipInPlace(sigBytes, values[c.where % values.length] ?? 4, c.delta);
          }
          const sig = sigBytes.toString('base64');
          const ours = check(sendgrid, request(body, headers(sig, ts)), [trusted.der]).ok;
          const theirs = lib(trusted.der, body, sig, ts);
          if (ours) accepted++;
          assert.equal(ours, theirs, `library says ${theirs} for sig ${sig}`);
        },
      ),
      // starkbank-ecdsa verifies in pure JS (~11 ms a case): the full run (10,000) takes ~2 min.
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0);
  });
});
