import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sign, verify as octokitVerify } from '@octokit/webhooks-methods';
import fc from 'fast-check';
import { github } from '../../../src/providers/github/provider.ts';
import { githubSimulator } from '../../../src/providers/github/simulate.ts';
import { githubVectors } from '../../../src/providers/github/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, request } from './support.ts';

const secret = randomBytes(20).toString('hex');
const otherSecret = randomBytes(20).toString('hex');
const payload = JSON.stringify({ action: 'opened', issue: { number: 1 } });

/** The legacy header; @octokit/webhooks-methods no longer makes SHA-1 signatures. */
function sha1(body: string, key = secret): string {
  return 'sha1=' + createHmac('sha1', key).update(body).digest('hex');
}

const verify = (
  headers: Record<string, string | undefined>,
  body = payload,
  secrets = [secret],
  options: unknown = { allowSha1: true },
) => check(github, request(body, headers), secrets, { options });

const noOptions = { allowSha1: false };

describe('github provider', () => {
  it('accepts a signature made by @octokit/webhooks-methods', async () => {
    const sig = await sign(secret, payload);
    assert.match(sig, /^sha256=[0-9a-f]{64}$/);
    assert.deepEqual(verify({ 'x-hub-signature-256': sig }), { ok: true });
  });

  it('matches the GitHub documentation test vector', () => {
    const result = check(
      github,
      request('Hello, World!', {
        'x-hub-signature-256':
          'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      }),
      ["It's a Secret to Everybody"],
    );
    assert.deepEqual(result, { ok: true });
  });

  it('rejects a tampered body', async () => {
    const sig = await sign(secret, payload);
    assert.equal(verify({ 'x-hub-signature-256': sig }, payload + ' ').ok, false);
  });

  it('rejects a signature made with another secret', async () => {
    const sig = await sign(otherSecret, payload);
    assert.equal(verify({ 'x-hub-signature-256': sig }).ok, false);
  });

  it('accepts the second secret of the source (rotation)', async () => {
    const sig = await sign(otherSecret, payload);
    assert.equal(verify({ 'x-hub-signature-256': sig }, payload, [secret, otherSecret]).ok, true);
  });

  it('accepts a legacy sha1-only signature when allowSha1 is set', () => {
    assert.deepEqual(verify({ 'x-hub-signature': sha1(payload) }), { ok: true });
    assert.equal(verify({ 'x-hub-signature': sha1(payload, otherSecret) }).ok, false);
    const rotated = verify({ 'x-hub-signature': sha1(payload, otherSecret) }, payload, [
      secret,
      otherSecret,
    ]);
    assert.equal(rotated.ok, true);
  });

  it('refuses a sha1-only signature by default', () => {
    const result = verify({ 'x-hub-signature': sha1(payload) }, payload, [secret], {});
    assert.deepEqual(result, {
      ok: false,
      reason: 'only the legacy X-Hub-Signature (sha1) was sent and allowSha1 is off',
    });
    assert.equal(github.optionsSchema.parse({}).allowSha1, false);
    assert.throws(() => github.optionsSchema.parse({ allowSha1: 'yes' }));
    assert.throws(() => github.optionsSchema.parse({ other: 1 }));
  });

  it('uses sha256 when both headers are sent, whatever allowSha1 says', async () => {
    const both = {
      'x-hub-signature-256': await sign(secret, payload),
      'x-hub-signature': sha1(payload),
    };
    assert.equal(verify(both, payload, [secret], {}).ok, true);
    assert.equal(verify(both).ok, true);
  });

  it('does not fall back to sha1 when sha256 is present and wrong', async () => {
    const wrong = await sign(otherSecret, payload);
    for (const sha256 of [wrong, '', 'garbage', 'sha1=' + sha1(payload).slice(5)]) {
      const result = verify({ 'x-hub-signature-256': sha256, 'x-hub-signature': sha1(payload) });
      assert.equal(result.ok, false, `fell back for ${JSON.stringify(sha256)}`);
    }
  });

  it('does not accept a sha1 value in the sha256 header', () => {
    const sha1hex = sha1(payload).slice('sha1='.length);
    assert.equal(verify({ 'x-hub-signature-256': `sha256=${sha1hex}` }).ok, false);
  });

  it('rejects missing or garbage headers without throwing', async () => {
    const good = (await sign(secret, payload)).slice('sha256='.length);
    assert.equal(verify({}).ok, false);
    for (const h of ['', 'sha256', 'sha256=', `SHA256=${good}`, `sha512=${good}`, `${good}`]) {
      assert.equal(verify({ 'x-hub-signature-256': h }).ok, false, `accepted ${h}`);
    }
    assert.equal(verify({ 'x-hub-signature-256': `sha256=${good}zz` }).ok, false);
    assert.equal(verify({ 'x-hub-signature': 'sha1=xyz' }).ok, false);
  });

  it('rejects a signature of a different length without throwing', async () => {
    const sig = await sign(secret, payload);
    assert.equal(verify({ 'x-hub-signature-256': sig.slice(0, -2) }).ok, false);
    assert.equal(verify({ 'x-hub-signature-256': sig + 'ab' }).ok, false);
  });

  it('has no timestamp tolerance', () => {
    assert.equal(github.defaultToleranceSeconds, 0);
  });

  it('identifies the delivery id and event.action', () => {
    const headers = { 'x-github-delivery': 'abc-123', 'x-github-event': 'issues' };
    assert.deepEqual(github.identify(request(payload, headers), noOptions), {
      eventId: 'abc-123',
      eventType: 'issues.opened',
    });
    assert.deepEqual(
      github.identify(request('{"ref":"main"}', { 'x-github-event': 'push' }), noOptions),
      {
        eventId: undefined,
        eventType: 'push',
      },
    );
    assert.deepEqual(
      github.identify(request('{"action":3}', { 'x-github-event': 'ping' }), noOptions),
      {
        eventId: undefined,
        eventType: 'ping',
      },
    );
    assert.deepEqual(github.identify(request('payload=%7B%7D', {}), noOptions), {
      eventId: undefined,
      eventType: undefined,
    });
  });

  it('passes the GitHub documentation vectors', () => {
    for (const v of githubVectors) {
      const result = check(github, request(v.body, { [v.header]: v.signature }), [v.secret]);
      assert.deepEqual(result, { ok: true }, v.source);
    }
  });

  it('simulator output verifies (sha256 and sha1) and is identified', async () => {
    const body = githubSimulator.sample();
    const sent = githubSimulator.sign({ body, secret, now: Date.now(), options: {}, url: '' });
    assert.deepEqual(check(github, request(sent.body, sent.headers), [secret]), { ok: true });
    const sha1Only = { ...sent.headers, 'x-hub-signature-256': undefined };
    assert.equal(verify(sha1Only, sent.body.toString()).ok, true);
    const sig = sent.headers['x-hub-signature-256'] ?? '';
    assert.equal(await octokitVerify(secret, sent.body.toString('utf8'), sig), true);
    assert.equal(
      github.identify(request(sent.body, sent.headers), noOptions).eventType,
      'issues.opened',
    );
  });

  describe('divergences from @octokit/webhooks-methods (Hookgate on purpose)', () => {
    it('accepts upper-case hex; the Node build of octokit compares strings', async () => {
      const sig = await sign(secret, payload);
      const upper = 'sha256=' + sig.slice('sha256='.length).toUpperCase();
      assert.equal(await octokitVerify(secret, payload, upper), false);
      assert.equal(verify({ 'x-hub-signature-256': upper }).ok, true);
    });

    it('accepts a correctly signed empty body; octokit throws on an empty payload', async () => {
      const sig = 'sha256=' + createHmac('sha256', secret).digest('hex');
      await assert.rejects(octokitVerify(secret, '', sig), TypeError);
      assert.equal(verify({ 'x-hub-signature-256': sig }, '').ok, true);
    });
  });

  it('agrees with @octokit/webhooks-methods verify on random cases (differential)', async () => {
    const cases = fc.record({
      // octokit throws on an empty payload or secret (tested above).
      body: fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
      signer: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      other: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      rotation: fc.boolean(),
      tamper: fc.constantFrom('none', 'body', 'signature', 'secret', 'prefix'),
      where: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        fc.pre(Buffer.from(c.signer).compare(Buffer.from(c.other)) !== 0);
        let body = Buffer.from(c.body, 'utf8');
        let sig = await sign(c.signer, c.body);
        if (c.tamper === 'body') {
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          const bytes = flip(Buffer.from(sig.slice('sha256='.length), 'hex'), c.where, c.delta);
          sig = 'sha256=' + bytes.toString('hex');
        } else if (c.tamper === 'prefix') {
          sig = 'sha1=' + sig.slice('sha256='.length);
        }
        const trusted =
          c.tamper === 'secret' ? [c.other] : c.rotation ? [c.other, c.signer] : [c.signer];
        const ours = check(github, request(body, { 'x-hub-signature-256': sig }), trusted).ok;
        const text = body.toString('utf8');
        let theirs = false;
        for (const s of trusted) if (await octokitVerify(s, text, sig)) theirs = true;
        if (ours) accepted++;
        assert.equal(ours, theirs, `octokit says ${String(theirs)} for ${sig}`);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });
});
