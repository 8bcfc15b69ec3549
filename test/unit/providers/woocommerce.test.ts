import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { woocommerce } from '../../../src/providers/woocommerce/provider.ts';
import { woocommerceKey } from '../../../src/providers/woocommerce/secret.ts';
import { woocommerceSimulator } from '../../../src/providers/woocommerce/simulate.ts';
import { woocommerceVectors } from '../../../src/providers/woocommerce/vectors.ts';
import { check, context, NOW_MS, request } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const secret = randomBytes(16).toString('hex');
const otherSecret = randomBytes(16).toString('hex');
// wp_json_encode output: escaped slashes and \u escapes, which a JS re-serialisation would lose.
const body =
  '{"id":727,"status":"processing","permalink":"https:\\/\\/shop.example.com\\/?p=727","note":"caf\\u00e9"}';
const sig = (b: string | Buffer = body, key = secret) =>
  createHmac('sha256', key).update(b).digest('base64');
const H = 'x-wc-webhook-signature';
const verify = (
  h: Record<string, string | undefined>,
  b: string | Buffer = body,
  secrets = [secret],
) => check(woocommerce, request(b, h), secrets);

describe('woocommerce provider', () => {
  it('has no official vectors (documented)', () => assert.equal(woocommerceVectors.length, 0));

  it('accepts the raw-body HMAC; rejects tampered body and other secret; tries every secret', () => {
    assert.deepEqual(verify({ [H]: sig() }), { ok: true });
    assert.equal(verify({ [H]: sig() }, JSON.stringify(JSON.parse(body))).ok, false);
    assert.equal(verify({ [H]: sig(body, otherSecret) }).ok, false);
    assert.equal(verify({ [H]: sig(body, otherSecret) }, body, [secret, otherSecret]).ok, true);
  });

  it('decodes the secret like wp_specialchars_decode(ENT_QUOTES)', () => {
    const cases: [string, string][] = [
      ['plain', 'plain'],
      ['a&amp;b', 'a&b'],
      ['&lt;&gt;&quot;&#039;&#39;&#x27;&#X27;&#0039;', `<>"'''''`],
      ['&#034;&#x22;&#060;&#062;&#038;&#x26;&#00038;', '""<>&&&'],
      ['&amp;lt;', '&lt;'], // one pass, never rescanned
      ['&nbsp;&eacute;&#65;&apos;', '&nbsp;&eacute;&#65;&apos;'], // not in the table
      ['&amp', '&amp'],
    ];
    for (const [input, expected] of cases) assert.equal(woocommerceKey(input), expected, input);
    const stored = 'k&amp;y&#039;s';
    assert.equal(verify({ [H]: sig(body, "k&y's") }, body, [stored]).ok, true);
  });

  it('rejects missing, garbled or non-canonical signatures without throwing', () => {
    const good = sig();
    for (const s of [
      undefined,
      '',
      'garbage!',
      good.slice(0, -1),
      good.replace(/=$/, ''),
      good + 'AAAA',
    ])
      assert.equal(verify({ [H]: s }).ok, false, String(s));
  });

  it('answers the unsigned creation ping 200 without verifying it', () => {
    const ctx = context(woocommerce, [secret]);
    assert.deepEqual(woocommerce.handshake?.(request('webhook_id=12'), ctx), {
      signed: false,
      reply: { status: 200, contentType: 'text/plain', body: '' },
    });
    // A signed request, or any other body, is no ping.
    assert.equal(woocommerce.handshake?.(request('webhook_id=12', { [H]: 'x' }), ctx), undefined);
    assert.equal(woocommerce.handshake?.(request('webhook_id=12&x=1'), ctx), undefined);
    assert.equal(woocommerce.handshake?.(request(body), ctx), undefined);
  });

  it('identifies by delivery id and topic', () => {
    const r = request(body, {
      'x-wc-webhook-delivery-id': 'd-1',
      'x-wc-webhook-topic': 'order.created',
    });
    assert.deepEqual(woocommerce.identify(r, {}), { eventId: 'd-1', eventType: 'order.created' });
  });

  it('simulator output verifies', () => {
    const s = woocommerceSimulator.sign({
      body: woocommerceSimulator.sample(),
      secret: 'a&amp;b',
      now: NOW_MS,
      options: {},
      url: '',
    });
    assert.deepEqual(verify(s.headers, s.body, ['a&amp;b']), { ok: true });
  });

  it('agrees with a Node crypto reference on random bodies and secrets', () => {
    fc.assert(
      fc.property(
        fc.record({
          secret: fc
            .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
            .filter((s) => !s.includes('&')),
          body: fc.uint8Array({ minLength: 1, maxLength: 200 }),
          tamper: fc.constantFrom('none', 'body', 'signature', 'secret'),
          at: fc.nat(),
        }),
        (c) => {
          const b = Buffer.from(c.body);
          let s = sig(b, c.tamper === 'secret' ? c.secret + 'x' : c.secret);
          const sent = Buffer.from(b);
          if (c.tamper === 'body') {
            const i = c.at % sent.length;
            sent[i] = (sent[i] ?? 0) ^ 1;
          }
          if (c.tamper === 'signature') s = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
          assert.equal(
            verify({ [H]: s }, sent, [c.secret]).ok,
            c.tamper === 'none',
            JSON.stringify(c),
          );
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
