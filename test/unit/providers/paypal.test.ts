import assert from 'node:assert/strict';
import { randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import type { Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import * as zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  paypal,
  paypalSignedMessage,
  type PayPalOptions,
  type PayPalRuntime,
} from '../../../src/providers/paypal/provider.ts';
import { crc32 } from '../../../src/providers/paypal/crc32.ts';
import { paypalSimulator } from '../../../src/providers/paypal/simulate.ts';
import { paypalVector } from '../../../src/providers/paypal/vectors.ts';
import { makeWebhookRequest } from '../../../src/verify/request.ts';
import type { VerifyContext } from '../../../src/verify/types.ts';
import { paypalCertPath, paypalCommonName, startHttpsHost, TestPki } from '../../helpers/pki.ts';
import { propertyRuns } from './property-runs.ts';
import { flipInPlace, request } from './support.ts';

const CN = paypalCommonName;
const certPath = paypalCertPath;
const webhookId = '8PT597110X687430LKGECATA';

/** The test PKI's certificates and keys, by name. */
interface Pki {
  test: TestPki;
  caPem: string;
  otherCaPem: string;
  files: Record<string, string>;
  keys: Record<string, string>;
}

function makePki(): Pki {
  const test = new TestPki();
  test.ca('ca', '/CN=Hookgate Test Root CA');
  test.ca('other-ca', '/CN=Someone Else CA');
  const issue = test.issue.bind(test);
  issue('server', '/CN=localhost', 'ca', 'server.ext');
  issue('leaf', `/O=PayPal, Inc./CN=${CN}`, 'ca', 'leaf.ext');
  issue('wrong-cn', '/CN=evil.example.com', 'ca', 'leaf.ext');
  issue('untrusted', `/CN=${CN}`, 'other-ca', 'leaf.ext');
  issue('intermediate', '/CN=Hookgate Test Intermediate', 'ca', 'ca.ext');
  issue('chained', `/CN=${CN}`, 'intermediate', 'leaf.ext');
  issue('ec-leaf', `/CN=${CN}`, 'ca', 'leaf.ext', test.ecKey());
  const read = (f: string) => test.read(f);
  return {
    test,
    caPem: read('ca.pem'),
    otherCaPem: read('other-ca.pem'),
    files: {
      leaf: read('leaf.pem'),
      'wrong-cn': read('wrong-cn.pem'),
      untrusted: read('untrusted.pem'),
      chained: read('chained.pem') + read('intermediate.pem'),
      'chained-alone': read('chained.pem'),
      'ec-leaf': read('ec-leaf.pem'),
      'real-2015': paypalVector.certificate,
      garbage: '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n',
      empty: 'hello',
    },
    keys: {
      leaf: read('leaf.key'),
      'wrong-cn': read('wrong-cn.key'),
      untrusted: read('untrusted.key'),
      chained: read('chained.key'),
    },
  };
}

let pki: Pki;
let server: Server;
let host: string;
let downHost: string;
let hits = 0;

before(async () => {
  pki = makePki();
  ({ server, host } = await startHttpsHost(pki.test, (req, res) => {
    hits++;
    const url = req.url ?? '';
    if (url === `${certPath}server-error`) return void res.writeHead(500).end('oops');
    if (url === `${certPath}huge`) return void res.writeHead(200).end('A'.repeat(200_000));
    const body = url.startsWith(certPath) ? pki.files[url.slice(certPath.length)] : undefined;
    if (body === undefined) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(body);
  }));
  // A port nothing listens on any more: a certificate host that is down.
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const probeAddress = probe.address();
  assert.ok(probeAddress !== null && typeof probeAddress === 'object');
  downHost = `127.0.0.1:${probeAddress.port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

after(() => {
  server.close();
  pki.test.remove();
});

const NOW = Date.now();

function options(extra: Record<string, unknown> = {}): PayPalOptions {
  return paypal.optionsSchema.parse({
    webhookId,
    certHosts: [host, downHost],
    certCommonNames: [CN],
    caCertificates: pki.caPem,
    ...extra,
  });
}

/** One runtime (certificate cache) per options object, as the gateway builds one per source. */
const runtimes = new WeakMap<PayPalOptions, PayPalRuntime>();

function ctx(
  o: PayPalOptions,
  extra: Partial<VerifyContext<PayPalOptions, PayPalRuntime>> = {},
): VerifyContext<PayPalOptions, PayPalRuntime> {
  let runtime = runtimes.get(o);
  if (runtime === undefined) {
    runtime = paypal.runtime!(o);
    runtimes.set(o, runtime);
  }
  return { now: NOW, secrets: [], toleranceSeconds: 0, options: o, runtime, ...extra };
}

interface Sent {
  body?: string | Buffer;
  cert?: string;
  key?: string;
  id?: string;
  time?: string;
  hook?: string;
  certHost?: string;
  scheme?: string;
  algo?: string | undefined;
}

/** A PayPal webhook signed with the given leaf's key, its cert URL pointing at our server. */
function paypalRequest(s: Sent = {}) {
  const body = Buffer.isBuffer(s.body)
    ? s.body
    : Buffer.from(s.body ?? '{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED"}');
  const id = s.id ?? 'b2384410-f8d2-11e4-8bf3-77339302725b';
  const time = s.time ?? new Date(NOW).toISOString().replace(/\.\d+Z$/, 'Z');
  const message = `${id}|${time}|${s.hook ?? webhookId}|${crc32(body)}`;
  const signature = sign('sha256', Buffer.from(message), pki.keys[s.key ?? 'leaf'] ?? '');
  return request(body, {
    'paypal-transmission-id': id,
    'paypal-transmission-time': time,
    'paypal-transmission-sig': signature.toString('base64'),
    'paypal-cert-url': `${s.scheme ?? 'https'}://${s.certHost ?? host}${certPath}${s.cert ?? 'leaf'}`,
    'paypal-auth-algo':
      s.algo === undefined && 'algo' in s ? undefined : (s.algo ?? 'SHA256withRSA'),
    'paypal-auth-version': 'v2',
  });
}

async function run(
  req: ReturnType<typeof request>,
  o = options(),
  extra: Partial<VerifyContext<PayPalOptions, PayPalRuntime>> = {},
) {
  const context = ctx(o, extra);
  await paypal.prepare?.(req, context);
  return paypal.verify(req, context);
}

describe('paypal provider', () => {
  describe('official vector (PayPal-node-SDK tests)', () => {
    it('has the CRC32 the SDK test states, with our CRC and with zlib', () => {
      const body = Buffer.from(paypalVector.body);
      assert.equal(crc32(body), paypalVector.crc32);
      if (typeof zlib.crc32 === 'function') assert.equal(zlib.crc32(body), paypalVector.crc32);
    });

    it('verifies the signature with the 2015 sandbox certificate key', () => {
      const cert = new X509Certificate(paypalVector.certificate);
      const message = paypalSignedMessage(
        { id: paypalVector.transmissionId, time: paypalVector.transmissionTime },
        paypalVector.webhookId,
        Buffer.from(paypalVector.body),
      );
      assert.equal(
        message.toString(),
        `${paypalVector.transmissionId}|${paypalVector.transmissionTime}|${paypalVector.webhookId}|2771810304`,
      );
      assert.ok(
        verify('sha256', message, cert.publicKey, Buffer.from(paypalVector.signature, 'base64')),
      );
    });

    it('rejects it end to end: the certificate expired in 2017 (its CN is accepted)', async () => {
      const req = request(paypalVector.body, {
        'paypal-transmission-id': paypalVector.transmissionId,
        'paypal-transmission-time': paypalVector.transmissionTime,
        'paypal-transmission-sig': paypalVector.signature,
        'paypal-cert-url': `https://${host}${certPath}real-2015`,
        'paypal-auth-algo': 'SHA256withRSA',
      });
      const o = options({ webhookId: paypalVector.webhookId, certCommonNames: [CN] });
      const result = await run(req, o);
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, /expired/);
      // At a date inside its validity, the signature passes; only the chain is unknown.
      const then = await run(req, options({ webhookId: paypalVector.webhookId }), {
        now: Date.parse('2016-01-01T00:00:00Z'),
      });
      assert.deepEqual(then, {
        ok: false,
        reason: 'certificate chain does not reach a trusted CA',
      });
    });
  });

  it('accepts a webhook signed by an allowlisted certificate chaining to the CA', async () => {
    assert.deepEqual(await run(paypalRequest()), { ok: true });
  });

  it('accepts a leaf served with its intermediate (chain to the root)', async () => {
    assert.deepEqual(await run(paypalRequest({ cert: 'chained', key: 'chained' })), { ok: true });
    const alone = await run(paypalRequest({ cert: 'chained-alone', key: 'chained' }));
    assert.deepEqual(alone, { ok: false, reason: 'certificate chain does not reach a trusted CA' });
  });

  it('rejects a tampered body (the CRC changes), id, time or signature', async () => {
    const o = options();
    const good = paypalRequest();
    assert.equal((await run(good, o)).ok, true);
    const h = { ...good.headers } as Record<string, string>;
    const tampered = [
      request(Buffer.concat([good.rawBody, Buffer.from(' ')]), h),
      request(good.rawBody, { ...h, 'paypal-transmission-id': h['paypal-transmission-id'] + 'x' }),
      request(good.rawBody, { ...h, 'paypal-transmission-time': '2030-01-01T00:00:00Z' }),
      request(good.rawBody, {
        ...h,
        'paypal-transmission-sig': randomBytes(256).toString('base64'),
      }),
    ];
    for (const req of tampered) assert.equal((await run(req, o)).ok, false);
  });

  it('rejects a signature for another webhook id, accepts any of several configured ids', async () => {
    const other = paypalRequest({ hook: 'OTHERWEBHOOK123' });
    const result = await run(other);
    assert.deepEqual(result, {
      ok: false,
      reason: 'signature does not verify for the configured webhook id',
    });
    assert.equal(
      (await run(other, options({ webhookId: [webhookId, 'OTHERWEBHOOK123'] }))).ok,
      true,
    );
  });

  it('rejects a certificate URL that is http, on another host, or outside the cert path, without fetching', async () => {
    const before = hits;
    assert.deepEqual(await run(paypalRequest({ scheme: 'http' })), {
      ok: false,
      reason: 'PAYPAL-CERT-URL is not https',
    });
    const evil = await run(paypalRequest({ certHost: 'evil.example.com' }));
    assert.deepEqual(evil, {
      ok: false,
      reason: 'PAYPAL-CERT-URL host evil.example.com is not allowed',
    });
    const req = paypalRequest();
    const h = { ...req.headers } as Record<string, string>;
    const offPath = request(req.rawBody, {
      ...h,
      'paypal-cert-url': `https://${host}/v1/other/leaf`,
    });
    assert.match(
      (await run(offPath)).ok ? '' : ((await run(offPath)) as { reason: string }).reason,
      /path is not under/,
    );
    const creds = request(req.rawBody, {
      ...h,
      'paypal-cert-url': `https://user:pw@${host}${certPath}leaf`,
    });
    assert.equal((await run(creds)).ok, false);
    assert.equal(hits, before);
  });

  it('uses the default PayPal hosts when none are configured', () => {
    const o = paypal.optionsSchema.parse({ webhookId });
    assert.deepEqual(o.certHosts, ['api.paypal.com', 'api.sandbox.paypal.com']);
    assert.deepEqual(o.certCommonNames, [
      'messageverificationcerts.paypal.com',
      'messageverificationcerts.sandbox.paypal.com',
    ]);
  });

  it('rejects a certificate with another CN', async () => {
    const result = await run(paypalRequest({ cert: 'wrong-cn', key: 'wrong-cn' }));
    assert.deepEqual(result, {
      ok: false,
      reason: 'certificate CN ["evil.example.com"] is not an allowed PayPal name',
    });
  });

  it('rejects a certificate from an untrusted CA, and a non-RSA one', async () => {
    const untrusted = await run(paypalRequest({ cert: 'untrusted', key: 'untrusted' }));
    assert.deepEqual(untrusted, {
      ok: false,
      reason: 'certificate chain does not reach a trusted CA',
    });
    const ec = await run(paypalRequest({ cert: 'ec-leaf' }));
    assert.deepEqual(ec, { ok: false, reason: 'certificate key is not RSA' });
  });

  it('rejects an expired certificate (and one not valid yet)', async () => {
    const later = NOW + 60 * 86400_000;
    const expired = await run(paypalRequest(), options(), { now: later });
    assert.equal(expired.ok, false);
    assert.match((expired as { reason: string }).reason, /expired or not yet valid/);
    const earlier = await run(paypalRequest(), options(), { now: NOW - 2 * 86400_000 });
    assert.equal(earlier.ok, false);
  });

  it('rejects a 404, garbage, a non-certificate and an oversized response, caching the rejection', async () => {
    const o = options();
    for (const cert of ['missing', 'garbage', 'empty', 'huge']) {
      const result = await run(paypalRequest({ cert }), o);
      assert.equal(result.ok, false, cert);
    }
    const before = hits;
    assert.equal((await run(paypalRequest({ cert: 'missing' }), o)).ok, false);
    assert.equal(hits, before, 'the rejection was not cached');
  });

  it('throws from prepare when the certificate host is down or failing (503, PayPal retries)', async () => {
    const down = paypalRequest({ certHost: downHost });
    await assert.rejects(paypal.prepare!(down, ctx(options())), /cannot download/);
    const failing = paypalRequest({ cert: 'server-error' });
    await assert.rejects(paypal.prepare!(failing, ctx(options())), /answered 500/);
    // Nothing was cached: verify alone says so.
    assert.deepEqual(paypal.verify(down, ctx(options())), {
      ok: false,
      reason: 'signing certificate not loaded',
    });
  });

  it('downloads a certificate once per source (cached, concurrent requests shared)', async () => {
    const o = options();
    const before = hits;
    const results = await Promise.all(
      [1, 2, 3].map(() => run(paypalRequest({ body: randomBytes(8).toString('hex') }), o)),
    );
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true],
    );
    assert.equal((await run(paypalRequest(), o)).ok, true);
    assert.equal(hits - before, 1);
  });

  it('rejects a PAYPAL-AUTH-ALGO other than SHA256withRSA; accepts it absent', async () => {
    assert.deepEqual(await run(paypalRequest({ algo: 'SHA1withRSA' })), {
      ok: false,
      reason: 'PAYPAL-AUTH-ALGO SHA1withRSA is not SHA256withRSA',
    });
    assert.equal((await run(paypalRequest({ algo: undefined }))).ok, true);
  });

  it('checks the transmission time both ways only when toleranceSeconds is set', async () => {
    const old = paypalRequest({
      time: new Date(NOW - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    assert.equal((await run(old)).ok, true);
    assert.deepEqual(await run(old, options(), { toleranceSeconds: 300 }), {
      ok: false,
      reason: 'transmission time outside tolerance',
    });
    const ahead = paypalRequest({
      time: new Date(NOW + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    assert.equal((await run(ahead, options(), { toleranceSeconds: 300 })).ok, false);
    assert.equal((await run(paypalRequest(), options(), { toleranceSeconds: 300 })).ok, true);
    const garbled = paypalRequest({ time: 'yesterday' });
    assert.deepEqual(await run(garbled, options(), { toleranceSeconds: 300 }), {
      ok: false,
      reason: 'malformed PAYPAL-TRANSMISSION-TIME',
    });
  });

  it('rejects missing or garbled headers without throwing or fetching', async () => {
    const good = paypalRequest();
    const h = { ...good.headers } as Record<string, string | undefined>;
    for (const name of [
      'paypal-transmission-id',
      'paypal-transmission-time',
      'paypal-transmission-sig',
      'paypal-cert-url',
    ]) {
      assert.equal((await run(request(good.rawBody, { ...h, [name]: undefined }))).ok, false, name);
    }
    for (const sig of ['', '!!!', 'not base64 at all', 'AAAA']) {
      assert.equal(
        (await run(request(good.rawBody, { ...h, 'paypal-transmission-sig': sig }))).ok,
        false,
        sig,
      );
    }
    assert.equal(
      (await run(request(good.rawBody, { ...h, 'paypal-cert-url': 'not a url' }))).ok,
      false,
    );
  });

  it('validates caCertificates at config load', () => {
    assert.equal(
      paypal.optionsSchema.safeParse({ webhookId, caCertificates: 'nope' }).success,
      false,
    );
    assert.equal(paypal.optionsSchema.safeParse({}).success, false, 'webhookId is required');
    assert.equal(paypal.requiresSecret, false);
  });

  it('identifies the event by its id and event_type', () => {
    const req = request(paypalVector.body);
    assert.deepEqual(paypal.identify(req, options()), {
      eventId: 'WH-0G2756385H040842W-5Y612302CV158622M',
      eventType: 'PAYMENT.SALE.COMPLETED',
    });
    assert.deepEqual(paypal.identify(request('[]'), options()), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('simulator output verifies (its cert URL served by an allowlisted host)', async () => {
    const o = options({ certHosts: [host] });
    const sent = paypalSimulator.sign({
      body: paypalSimulator.sample(),
      secret: pki.keys.leaf ?? '',
      now: NOW,
      options: o,
      url: 'http://127.0.0.1/webhooks/paypal',
    });
    const url = sent.headers['paypal-cert-url'] ?? '';
    assert.ok(url.startsWith(`https://${host}${certPath}`));
    // The simulator's certificate id is served here as our leaf.
    pki.files[url.slice(`https://${host}${certPath}`.length)] = pki.files.leaf ?? '';
    const req = makeWebhookRequest({
      method: 'POST',
      url: '/webhooks/paypal',
      subpath: '',
      headers: sent.headers,
      rawBody: sent.body,
    });
    assert.deepEqual(await run(req, o), { ok: true });
    assert.equal(paypal.identify(req, o).eventType, 'PAYMENT.CAPTURE.COMPLETED');
  });

  it('accepts exactly the correctly signed cases (property; CRC oracle: zlib.crc32 when present)', async () => {
    const o = options();
    const context = ctx(o);
    await paypal.prepare!(paypalRequest(), context);
    const key = pki.keys.leaf ?? '';
    const crcOracle = typeof zlib.crc32 === 'function' ? (b: Buffer) => zlib.crc32(b) : crc32;
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record({
          body: fc.string({ unit: 'binary', maxLength: 200 }),
          id: fc.uuid(),
          tamper: fc.constantFrom('none', 'body', 'signature', 'id', 'webhook'),
          where: fc.nat(),
          delta: fc.integer({ min: 1, max: 255 }),
        }),
        (c) => {
          const original = Buffer.from(c.body, 'utf8');
          const time = '2025-10-01T12:00:00Z';
          const message = `${c.id}|${time}|${c.tamper === 'webhook' ? 'WRONG' : webhookId}|${crcOracle(original)}`;
          let signature = sign('sha256', Buffer.from(message), key);
          let body = original;
          let id = c.id;
          if (c.tamper === 'body') {
            body = Buffer.concat([original, Buffer.from([c.delta])]);
            if (original.length > 0) {
              body = Buffer.from(original);
              flipInPlace(body, c.where % body.length, c.delta);
            }
          } else if (c.tamper === 'signature') {
            signature = Buffer.from(signature);
            flipInPlace(signature, c.where % signature.length, c.delta);
          } else if (c.tamper === 'id') id = id + 'x';
          const req = request(body, {
            'paypal-transmission-id': id,
            'paypal-transmission-time': time,
            'paypal-transmission-sig': signature.toString('base64'),
            'paypal-cert-url': `https://${host}${certPath}leaf`,
          });
          const ok = paypal.verify(req, context).ok;
          if (ok) accepted++;
          assert.equal(ok, c.tamper === 'none');
        },
      ),
      // RSA-2048 signing per case: capped so the full run stays well under 60 s.
      { numRuns: Math.min(propertyRuns(), 2000) },
    );
    assert.ok(accepted > 0);
  });
});
