import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import twilioLib from 'twilio';
import { twilio } from '../../../src/providers/twilio/provider.ts';
import { twilioSimulator } from '../../../src/providers/twilio/simulate.ts';
import { twilioVectors } from '../../../src/providers/twilio/vectors.ts';
import { makeWebhookRequest } from '../../../src/verify/request.ts';
import { context, NOW_MS } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const {
  validateRequest,
  validateRequestWithBody,
  getExpectedTwilioSignature,
  getExpectedBodyHash,
} = twilioLib;

const token = randomBytes(16).toString('hex');
const otherToken = randomBytes(16).toString('hex');
const publicUrl = 'https://hooks.example.com/webhooks/twilio';

interface Req {
  readonly body: string | Buffer;
  readonly query?: string | undefined;
  readonly subpath?: string;
  readonly headers?: Record<string, string | undefined>;
}

function req({ body, query, subpath = '', headers = {} }: Req) {
  return makeWebhookRequest({
    method: 'POST',
    url: `/webhooks/twilio${subpath}${query === undefined ? '' : `?${query}`}`,
    subpath,
    headers,
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  });
}

function verify(r: Req, secrets = [token], url = publicUrl) {
  return twilio.verify(req(r), context(twilio, secrets, { options: { url } }));
}

const params = { MessageSid: 'SM1', MessageStatus: 'delivered', To: '+15551234', Body: 'hé & +1' };
const formBody = new URLSearchParams(params).toString();
const sign = (url: string, p: Record<string, string | string[]> = params, t = token) =>
  getExpectedTwilioSignature(t, url, p);

describe('twilio provider', () => {
  it('passes the official form vector (twilio-node spec)', () => {
    const v = twilioVectors.form;
    const [base, query] = v.url.split('?') as [string, string];
    const body = new URLSearchParams(v.params).toString();
    const r = { body, query, headers: { 'x-twilio-signature': v.signature } };
    assert.deepEqual(verify(r, [v.authToken], base), { ok: true });
    assert.equal(verify(r, [otherToken], base).ok, false);
  });

  it('passes the official JSON vector (bodySHA256)', () => {
    const v = twilioVectors.json;
    assert.equal(createHash('sha256').update(v.body).digest('hex'), v.bodySHA256);
    const [base, query] = v.url.split('?') as [string, string];
    const r = { body: v.body, query, headers: { 'x-twilio-signature': v.signature } };
    assert.deepEqual(verify(r, [v.authToken], base), { ok: true });
    assert.deepEqual(verify({ ...r, body: v.body + ' ' }, [v.authToken], base), {
      ok: false,
      reason: 'body does not match bodySHA256',
    });
  });

  it('accepts a form webhook and rejects tampered params, wrong token, wrong URL', () => {
    const headers = { 'x-twilio-signature': sign(publicUrl) };
    assert.deepEqual(verify({ body: formBody, headers }), { ok: true });
    assert.equal(verify({ body: formBody.replace('delivered', 'failed'), headers }).ok, false);
    assert.equal(verify({ body: formBody, headers }, [otherToken]).ok, false);
    assert.equal(verify({ body: formBody, headers }, [token], publicUrl + '/').ok, false);
    assert.equal(
      verify({ body: formBody, headers }, [token], 'https://other.example.com/webhooks/twilio').ok,
      false,
    );
  });

  it('signs decoded params: reordered or differently encoded bodies with the same params pass', () => {
    const headers = { 'x-twilio-signature': sign(publicUrl) };
    const reordered = Object.entries(params)
      .reverse()
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    assert.equal(verify({ body: reordered, headers }).ok, true);
  });

  it('tries every secret (Auth Token rotation)', () => {
    const headers = { 'x-twilio-signature': sign(publicUrl, params, otherToken) };
    assert.equal(verify({ body: formBody, headers }, [token, otherToken]).ok, true);
  });

  it('appends the subpath and the query exactly as received', () => {
    const url = `${publicUrl}/sms?tenant=a%20b&x=1`;
    const headers = { 'x-twilio-signature': sign(url) };
    const r = { body: formBody, subpath: '/sms', query: 'tenant=a%20b&x=1', headers };
    assert.equal(verify(r).ok, true);
    assert.equal(verify({ ...r, query: 'tenant=a%20b&x=2' }).ok, false);
    assert.equal(verify({ ...r, subpath: '/voice' }).ok, false);
  });

  it('accepts the URL signed with or without the default port, like twilio-node', () => {
    const body = formBody;
    const withPort = 'https://hooks.example.com:443/webhooks/twilio';
    assert.equal(verify({ body, headers: { 'x-twilio-signature': sign(withPort) } }).ok, true);
    assert.equal(
      verify({ body, headers: { 'x-twilio-signature': sign(publicUrl) } }, [token], withPort).ok,
      true,
    );
    // Another port is another URL.
    const other = 'https://hooks.example.com:8443/webhooks/twilio';
    assert.equal(verify({ body, headers: { 'x-twilio-signature': sign(other) } }).ok, false);
  });

  it("sorts repeated params' distinct values, like twilio-node", () => {
    const body = 'a=2&b=x&a=1&a=2';
    const headers = { 'x-twilio-signature': sign(publicUrl, { a: ['2', '1', '2'], b: 'x' }) };
    assert.equal(
      validateRequest(token, headers['x-twilio-signature'], publicUrl, {
        a: ['2', '1', '2'],
        b: 'x',
      }),
      true,
    );
    assert.equal(verify({ body, headers }).ok, true);
  });

  it('rejects a non-canonical base64 signature that twilio-node rejects too', () => {
    const good = sign(publicUrl);
    // 20 bytes → 27 chars + '='; the 27th carries 2 unused bits.
    const last = good[26] ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    const variant = good.slice(0, 26) + twin + '=';
    assert.equal(Buffer.from(variant, 'base64').equals(Buffer.from(good, 'base64')), true);
    assert.equal(validateRequest(token, variant, publicUrl, params), false);
    assert.equal(verify({ body: formBody, headers: { 'x-twilio-signature': variant } }).ok, false);
    assert.equal(
      verify({ body: formBody, headers: { 'x-twilio-signature': good.slice(0, -1) } }).ok,
      false,
    );
  });

  it('rejects missing or garbled headers without throwing', () => {
    for (const sig of [undefined, '', 'garbage!', '====', 'AAAA']) {
      assert.equal(verify({ body: formBody, headers: { 'x-twilio-signature': sig } }).ok, false);
    }
    const headers = { 'x-twilio-signature': sign(publicUrl) };
    assert.equal(verify({ body: Buffer.from([0xff, 0xfe, 0x3d]), headers }).ok, false);
    assert.equal(verify({ body: '{}', query: 'bodySHA256=zz', headers }).ok, false);
  });

  it('rejects a configured URL with a query, a fragment or no scheme', () => {
    for (const url of [
      'https://x.com/a?b=1',
      'https://x.com/a#f',
      'hooks.example.com/a',
      'ftp://x/a',
    ])
      assert.equal(twilio.optionsSchema.safeParse({ url }).success, false, url);
    assert.equal(twilio.optionsSchema.safeParse({}).success, false);
    assert.equal(twilio.optionsSchema.safeParse({ url: publicUrl }).success, true);
  });

  it('identifies by the idempotency token, else sid and status', () => {
    const withToken = req({ body: formBody, headers: { 'i-twilio-idempotency-token': 'tok-1' } });
    assert.deepEqual(twilio.identify(withToken, { url: publicUrl }), {
      eventId: 'tok-1',
      eventType: 'message.delivered',
    });
    assert.deepEqual(twilio.identify(req({ body: formBody }), { url: publicUrl }), {
      eventId: 'SM1:delivered',
      eventType: 'message.delivered',
    });
    const call = req({ body: 'CallSid=CA9&CallStatus=completed' });
    assert.deepEqual(twilio.identify(call, { url: publicUrl }), {
      eventId: 'CA9:completed',
      eventType: 'call.completed',
    });
    assert.deepEqual(twilio.identify(req({ body: 'Foo=1' }), { url: publicUrl }), {
      eventId: undefined,
      eventType: undefined,
    });
    const json = req({ body: '{"type":"com.twilio.x"}', query: 'bodySHA256=ab' });
    assert.deepEqual(twilio.identify(json, { url: publicUrl }), {
      eventId: undefined,
      eventType: 'com.twilio.x',
    });
  });

  it('simulator output verifies (form and JSON)', () => {
    const options = twilio.optionsSchema.parse({ url: publicUrl });
    for (const body of [twilioSimulator.sample(), Buffer.from('{"a":1}')]) {
      const s = twilioSimulator.sign({ body, secret: token, now: NOW_MS, options, url: publicUrl });
      const query = s.pathSuffix?.startsWith('?') ? s.pathSuffix.slice(1) : undefined;
      assert.deepEqual(verify({ body: s.body, query, headers: s.headers }), { ok: true });
    }
  });

  it('agrees with twilio-node on random form and JSON webhooks', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const queryText = fc.stringMatching(/^[A-Za-z0-9=&%'._~!*()+,:@$;/-]{0,30}$/);
    const paramsArb = fc.dictionary(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__'),
      text,
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(
        fc.record({
          secret: fc
            .uint8Array({ minLength: 1, maxLength: 40 })
            .map((b) => Buffer.from(b).toString('base64')),
          host: fc.constantFrom('hooks.example.com', 'a.b.example.org', '127.0.0.1'),
          scheme: fc.constantFrom('https', 'http'),
          signPort: fc.constantFrom('', ':443', ':80', ':8443'),
          path: fc.stringMatching(/^(\/[A-Za-z0-9._~-]{1,8}){1,3}$/),
          subpath: fc.constantFrom('', '/sms', '/a/b'),
          query: fc.option(queryText, { nil: undefined }),
          json: fc.boolean(),
          params: paramsArb,
          jsonBody: fc.string({ unit: 'grapheme', maxLength: 60 }),
          tamper: fc.constantFrom('none', 'none', 'body', 'signature', 'secret', 'url'),
          extraKey: fc.string({ minLength: 1, maxLength: 4 }),
        }),
        (c) => {
          const base = `${c.scheme}://${c.host}${c.path}`;
          const signBase = `${c.scheme}://${c.host}${c.signPort}${c.path}`;
          let query = c.query;
          let body: string;
          let libParams: Record<string, string> = {};
          if (c.json) {
            body = c.jsonBody;
            const hash = getExpectedBodyHash(body);
            query = `${query === undefined || query === '' ? '' : `${query}&`}bodySHA256=${hash}`;
          } else {
            libParams = { ...c.params };
            body = new URLSearchParams(libParams).toString();
          }
          const q = query === undefined ? '' : `?${query}`;
          const signUrl = signBase + c.subpath + q;
          const secret = c.tamper === 'secret' ? c.secret + 'x' : c.secret;
          let signature = getExpectedTwilioSignature(
            secret,
            c.tamper === 'url' ? signBase + '/x' + c.subpath + q : signUrl,
            c.json ? {} : libParams,
          );
          if (c.tamper === 'signature')
            signature = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
          if (c.tamper === 'body') {
            if (c.json) body = body + ' ';
            else {
              libParams = { ...libParams, [c.extraKey]: (libParams[c.extraKey] ?? '') + '1' };
              body = new URLSearchParams(libParams).toString();
            }
          }
          const actualUrl = base + c.subpath + q;
          const expected = c.json
            ? validateRequestWithBody(c.secret, signature, actualUrl, body)
            : validateRequest(c.secret, signature, actualUrl, libParams);
          const ours = verify(
            { body, query, subpath: c.subpath, headers: { 'x-twilio-signature': signature } },
            [c.secret],
            base,
          );
          assert.equal(ours.ok, expected, JSON.stringify({ c, ours, signature }));
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
