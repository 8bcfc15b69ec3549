import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import { getHmac } from '@shopify/shopify-api/test-helpers';
import fc from 'fast-check';
import { shopify } from '../../../src/providers/shopify/provider.ts';
import { shopifySimulator } from '../../../src/providers/shopify/simulate.ts';
import { shopifyVectors } from '../../../src/providers/shopify/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, NOW_MS, request } from './support.ts';

const secret = 'shpss_' + randomBytes(16).toString('hex');
const otherSecret = 'shpss_' + randomBytes(16).toString('hex');
const payload = JSON.stringify({ id: 5712345678901, email: 'jon@example.com' });

/** The companion headers the library insists on (it reports missing_headers without them). */
const classic = {
  'x-shopify-topic': 'orders/create',
  'x-shopify-shop-domain': 'example.myshopify.com',
  'x-shopify-api-version': '2025-01',
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
};
const events = {
  'shopify-topic': 'orders/create',
  'shopify-shop-domain': 'example.myshopify.com',
  'shopify-api-version': '2025-01',
  'shopify-webhook-id': '1a3e7c5b-0000-4b37-8a5f-bf7d70bcd043',
  'shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
};

/** @shopify/shopify-api's validate with one app secret (it takes no list). */
async function libraryAccepts(apiSecretKey: string, body: string, headers: Record<string, string>) {
  const api = shopifyApi({
    apiKey: 'hookgate-test',
    apiSecretKey,
    hostName: 'localhost',
    apiVersion: ApiVersion.January25,
    isEmbeddedApp: false,
    logger: { log: async () => {}, level: LogSeverity.Error },
  });
  const result = await api.webhooks.validate({
    rawBody: body,
    rawRequest: { method: 'POST', url: '/webhooks/shopify', headers } as never,
  });
  return result.valid;
}

const verify = (headers: Record<string, string | undefined>, body = payload, secrets = [secret]) =>
  check(shopify, request(body, headers), secrets);

describe('shopify provider', () => {
  it('has no official fixed vectors (see vectors.ts)', () => {
    assert.equal(shopifyVectors.length, 0);
  });

  it('accepts an HMAC made by the library test helper, in either header family', async () => {
    const hmac = getHmac(payload, secret);
    const classicHeaders = { ...classic, 'x-shopify-hmac-sha256': hmac };
    const eventHeaders = { ...events, 'shopify-hmac-sha256': hmac };
    assert.deepEqual(verify(classicHeaders), { ok: true });
    assert.deepEqual(verify(eventHeaders), { ok: true });
    assert.equal(await libraryAccepts(secret, payload, classicHeaders), true);
    assert.equal(await libraryAccepts(secret, payload, eventHeaders), true);
  });

  it('rejects a tampered body or another secret; accepts the second secret (rotation)', () => {
    const hmac = getHmac(payload, otherSecret);
    assert.equal(
      verify({ 'x-shopify-hmac-sha256': getHmac(payload, secret) }, payload + ' ').ok,
      false,
    );
    assert.equal(verify({ 'x-shopify-hmac-sha256': hmac }).ok, false);
    assert.equal(
      verify({ 'x-shopify-hmac-sha256': hmac }, payload, [secret, otherSecret]).ok,
      true,
    );
  });

  it('uses the events header when it is sent, as the library does', () => {
    const good = getHmac(payload, secret);
    const bad = getHmac(payload, otherSecret);
    assert.equal(verify({ 'shopify-hmac-sha256': good, 'x-shopify-hmac-sha256': bad }).ok, true);
    assert.equal(verify({ 'shopify-hmac-sha256': bad, 'x-shopify-hmac-sha256': good }).ok, false);
    assert.equal(verify({ 'shopify-hmac-sha256': '', 'x-shopify-hmac-sha256': good }).ok, true);
  });

  it('rejects missing or garbled headers without throwing', () => {
    const good = getHmac(payload, secret);
    assert.deepEqual(verify({}), { ok: false, reason: 'missing x-shopify-hmac-sha256 header' });
    for (const h of [
      '',
      'garbage!',
      good.slice(0, 20),
      good + 'AAAA',
      Buffer.from(good).toString('hex'),
    ]) {
      assert.equal(verify({ 'x-shopify-hmac-sha256': h }).ok, false, h);
    }
  });

  it('has no timestamp', () => {
    assert.equal(shopify.defaultToleranceSeconds, 0);
  });

  it('identifies by webhook id (else event id) and topic, in either family', () => {
    assert.deepEqual(shopify.identify(request(payload, classic), {}), {
      eventId: classic['x-shopify-webhook-id'],
      eventType: 'orders/create',
    });
    const eventsHeaders = { ...events, 'shopify-hmac-sha256': 'x' };
    assert.deepEqual(shopify.identify(request(payload, eventsHeaders), {}), {
      eventId: events['shopify-webhook-id'],
      eventType: 'orders/create',
    });
    assert.deepEqual(shopify.identify(request(payload, { 'x-shopify-event-id': 'e1' }), {}), {
      eventId: 'e1',
      eventType: undefined,
    });
  });

  it('simulator output verifies and the library accepts it', async () => {
    const body = shopifySimulator.sample();
    const sent = shopifySimulator.sign({ body, secret, now: NOW_MS, options: {}, url: '' });
    assert.deepEqual(check(shopify, request(sent.body, sent.headers), [secret]), { ok: true });
    assert.equal(
      await libraryAccepts(secret, sent.body.toString('utf8'), { ...sent.headers }),
      true,
    );
  });

  describe('divergences from @shopify/shopify-api (Hookgate on purpose)', () => {
    it('does not require topic/domain/api-version/webhook-id headers to accept', async () => {
      const only = { 'x-shopify-hmac-sha256': getHmac(payload, secret) };
      assert.equal(await libraryAccepts(secret, payload, only), false);
      assert.equal(verify(only).ok, true);
    });

    it('accepts a correctly signed empty body; the library reports missing_body', async () => {
      const h = { ...classic, 'x-shopify-hmac-sha256': getHmac('', secret) };
      assert.equal(await libraryAccepts(secret, '', h), false);
      assert.equal(verify(h, '').ok, true);
    });

    it('compares decoded bytes: unpadded base64 is accepted; the library compares text', async () => {
      const h = {
        ...classic,
        'x-shopify-hmac-sha256': getHmac(payload, secret).replace(/=+$/, ''),
      };
      assert.equal(await libraryAccepts(secret, payload, h), false);
      assert.equal(verify(h).ok, true);
    });
  });

  it('agrees with shopifyApi().webhooks.validate on random cases (differential)', async () => {
    const cases = fc.record({
      // The library refuses an empty body (tested above).
      body: fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
      signer: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      other: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      rotation: fc.boolean(),
      eventsFamily: fc.boolean(),
      tamper: fc.constantFrom('none', 'body', 'signature', 'secret'),
      where: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        fc.pre(c.signer !== c.other);
        let body = Buffer.from(c.body, 'utf8');
        let mac = createHmac('sha256', c.signer).update(body).digest();
        if (c.tamper === 'body') {
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          mac = flip(mac, c.where, c.delta);
        }
        const headers: Record<string, string> = c.eventsFamily
          ? { ...events, 'shopify-hmac-sha256': mac.toString('base64') }
          : { ...classic, 'x-shopify-hmac-sha256': mac.toString('base64') };
        const trusted =
          c.tamper === 'secret' ? [c.other] : c.rotation ? [c.other, c.signer] : [c.signer];
        const ours = check(shopify, request(body, headers), trusted).ok;
        const text = body.toString('utf8');
        let theirs = false;
        for (const s of trusted) if (await libraryAccepts(s, text, headers)) theirs = true;
        if (ours) accepted++;
        assert.equal(ours, theirs, `library says ${String(theirs)}`);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });
});
