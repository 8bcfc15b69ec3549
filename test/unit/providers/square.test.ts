import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WebhooksHelper } from 'square';
import { square } from '../../../src/providers/square/provider.ts';
import { squareSimulator } from '../../../src/providers/square/simulate.ts';
import { squareVectors } from '../../../src/providers/square/vectors.ts';
import { check, NOW_MS, request } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const key = randomBytes(16).toString('base64url');
const otherKey = randomBytes(16).toString('base64url');
const notificationUrl = 'https://hooks.example.com/webhooks/square';
const body = JSON.stringify({ event_id: 'e-1', type: 'payment.updated', data: { id: 'p1' } });

const sign = (b: string, k = key, url = notificationUrl, alg = 'sha256') =>
  createHmac(alg, k)
    .update(url + b)
    .digest('base64');

const verify = (
  headers: Record<string, string | undefined>,
  b: string | Buffer = body,
  secrets = [key],
  options: Record<string, unknown> = { notificationUrl },
) => check(square, request(b, headers), secrets, { options });

const H = 'x-square-hmacsha256-signature';

describe('square provider', () => {
  it('passes the official vector (square-nodejs-sdk test)', async () => {
    for (const v of squareVectors) {
      const opts = { notificationUrl: v.notificationUrl };
      assert.deepEqual(verify({ [H]: v.signature }, v.body, [v.signatureKey], opts), { ok: true });
      assert.equal(
        await WebhooksHelper.verifySignature({
          requestBody: v.body,
          signatureHeader: v.signature,
          signatureKey: v.signatureKey,
          notificationUrl: v.notificationUrl,
        }),
        true,
      );
    }
  });

  it('rejects a tampered body, another key, another URL', () => {
    assert.deepEqual(verify({ [H]: sign(body) }), { ok: true });
    assert.equal(verify({ [H]: sign(body) }, body.replace('e-1', 'e-2')).ok, false);
    assert.equal(verify({ [H]: sign(body, otherKey) }).ok, false);
    assert.equal(verify({ [H]: sign(body, key, notificationUrl + '/') }).ok, false);
  });

  it('tries every key (rotation)', () => {
    assert.equal(verify({ [H]: sign(body, otherKey) }, body, [key, otherKey]).ok, true);
  });

  it('accepts the legacy SHA-1 header only when enabled and the SHA-256 one is absent', () => {
    const legacy = { 'x-square-signature': sign(body, key, notificationUrl, 'sha1') };
    assert.equal(verify(legacy).ok, false);
    const opts = { notificationUrl, allowLegacySha1: true };
    assert.equal(verify(legacy, body, [key], opts).ok, true);
    assert.equal(verify({ ...legacy, [H]: 'AAAA' }, body, [key], opts).ok, false);
  });

  it('rejects missing, garbled or non-canonical signatures without throwing', () => {
    const good = sign(body);
    for (const sig of [
      undefined,
      '',
      'garbage!',
      good.slice(0, -1),
      good + 'A',
      good.replace('=', ''),
    ])
      assert.equal(verify({ [H]: sig }).ok, false, String(sig));
  });

  it('requires notificationUrl', () => {
    assert.equal(square.optionsSchema.safeParse({}).success, false);
    assert.equal(square.optionsSchema.safeParse({ notificationUrl: 'nope' }).success, false);
  });

  it('identifies by event_id and type', () => {
    assert.deepEqual(square.identify(request(body), { notificationUrl, allowLegacySha1: false }), {
      eventId: 'e-1',
      eventType: 'payment.updated',
    });
  });

  it('simulator output verifies', () => {
    const options = square.optionsSchema.parse({ notificationUrl });
    const s = squareSimulator.sign({
      body: squareSimulator.sample(),
      secret: key,
      now: NOW_MS,
      options,
      url: notificationUrl,
    });
    assert.deepEqual(verify(s.headers, s.body), { ok: true });
  });

  it('agrees with WebhooksHelper.verifySignature on random webhooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          key: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
          url: fc.webUrl({ withQueryParameters: true }),
          body: fc.string({ unit: 'grapheme', maxLength: 200 }),
          tamper: fc.constantFrom('none', 'none', 'body', 'signature', 'secret', 'url'),
          at: fc.nat(),
        }),
        async (c) => {
          const signedBody = c.body;
          let sentBody = c.body;
          let signature = sign(
            signedBody,
            c.tamper === 'secret' ? c.key + 'x' : c.key,
            c.tamper === 'url' ? c.url + 'x' : c.url,
          );
          if (c.tamper === 'body') {
            const chars = [...sentBody];
            const i = chars.length === 0 ? 0 : c.at % chars.length;
            chars[i] = chars[i] === 'a' ? 'b' : 'a';
            sentBody = chars.join('');
          }
          if (c.tamper === 'signature')
            signature = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
          const expected = await WebhooksHelper.verifySignature({
            requestBody: sentBody,
            signatureHeader: signature,
            signatureKey: c.key,
            notificationUrl: c.url,
          });
          const ours = verify({ [H]: signature }, sentBody, [c.key], { notificationUrl: c.url });
          assert.equal(ours.ok, expected, JSON.stringify({ c, ours }));
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
