import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { gitlab } from '../../../src/providers/gitlab/provider.ts';
import { gitlabSimulator } from '../../../src/providers/gitlab/simulate.ts';
import { gitlabSignedVectors } from '../../../src/providers/gitlab/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, NOW_MS, NOW_S, request } from './support.ts';

const token = randomBytes(16).toString('hex');
const otherToken = randomBytes(16).toString('hex');
const signingToken = 'whsec_' + randomBytes(32).toString('base64');
const otherSigningToken = 'whsec_' + randomBytes(32).toString('base64');
const payload = JSON.stringify({ object_kind: 'push', ref: 'refs/heads/main' });
const id = '3a3ac2a0-6e63-4bd4-9d0e-d1b0ba5d3a8f';

/** Standard Webhooks headers as GitLab sends them, signed by the standardwebhooks library. */
function signed(opts: { secret?: string; timestamp?: number; body?: string } = {}) {
  const t = opts.timestamp ?? NOW_S;
  const sig = new Webhook(opts.secret ?? signingToken).sign(
    id,
    new Date(t * 1000),
    opts.body ?? payload,
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(t),
    'webhook-signature': sig,
    'idempotency-key': id,
  };
}

const verify = (
  headers: Record<string, string | undefined>,
  secrets: readonly string[] = [token],
  body = payload,
  options: unknown = {},
) => check(gitlab, request(body, headers), secrets, { options });

describe('gitlab provider', () => {
  describe('plain X-Gitlab-Token', () => {
    it('accepts the configured token', () => {
      assert.deepEqual(verify({ 'x-gitlab-token': token }), { ok: true });
    });

    it('rejects another token, a prefix or an extension of it', () => {
      for (const t of [
        otherToken,
        token.slice(0, -1),
        token + 'x',
        token.toUpperCase(),
        ' ' + token,
      ]) {
        assert.equal(verify({ 'x-gitlab-token': t }).ok, false, t);
      }
    });

    it('accepts any configured secret (rotation)', () => {
      assert.equal(verify({ 'x-gitlab-token': otherToken }, [token, otherToken]).ok, true);
    });

    it('rejects missing or empty headers without throwing', () => {
      assert.deepEqual(verify({}), {
        ok: false,
        reason: 'missing X-Gitlab-Token and webhook-signature headers',
      });
      assert.equal(verify({ 'x-gitlab-token': '' }).ok, false);
    });

    it('is refused when requireSignature is on', () => {
      const result = verify({ 'x-gitlab-token': token }, [token], payload, {
        requireSignature: true,
      });
      assert.deepEqual(result, {
        ok: false,
        reason: 'missing webhook-signature (requireSignature is on)',
      });
    });
  });

  describe('signing token (Standard Webhooks)', () => {
    it('accepts a signature made by the standardwebhooks library', () => {
      assert.deepEqual(verify(signed(), [signingToken]), { ok: true });
      assert.deepEqual(
        verify(signed(), [token, signingToken], payload, { requireSignature: true }),
        { ok: true },
      );
    });

    it('passes the Standard Webhooks library vector', () => {
      for (const v of gitlabSignedVectors) {
        const h = {
          'webhook-id': v.id,
          'webhook-timestamp': v.timestamp,
          'webhook-signature': v.signature,
        };
        const result = check(gitlab, request(v.body, h), [v.secret], {
          now: Number(v.timestamp) * 1000,
        });
        assert.deepEqual(result, { ok: true }, v.source);
      }
    });

    it('rejects a tampered body, another signing token; rotates', () => {
      assert.equal(verify(signed(), [signingToken], payload + ' ').ok, false);
      assert.equal(verify(signed({ secret: otherSigningToken }), [signingToken]).ok, false);
      assert.equal(
        verify(signed({ secret: otherSigningToken }), [signingToken, otherSigningToken]).ok,
        true,
      );
    });

    it('never falls back to the token when a signature is present', () => {
      const bad = { ...signed({ secret: otherSigningToken }), 'x-gitlab-token': token };
      assert.equal(verify(bad, [token, signingToken]).ok, false);
      assert.equal(verify({ ...bad, 'webhook-signature': '' }, [token, signingToken]).ok, false);
    });

    it('checks the timestamp both ways (300 s)', () => {
      assert.equal(verify(signed({ timestamp: NOW_S - 300 }), [signingToken]).ok, true);
      assert.equal(verify(signed({ timestamp: NOW_S + 300 }), [signingToken]).ok, true);
      assert.equal(verify(signed({ timestamp: NOW_S - 301 }), [signingToken]).ok, false);
      assert.equal(verify(signed({ timestamp: NOW_S + 301 }), [signingToken]).ok, false);
    });

    it('rejects garbled signed headers without throwing', () => {
      const good = signed();
      for (const patch of [
        { 'webhook-id': undefined },
        { 'webhook-timestamp': 'soon' },
        { 'webhook-signature': 'v1,!!!' },
        { 'webhook-signature': 'v2,' + good['webhook-signature'].slice(3) },
      ]) {
        assert.equal(
          verify({ ...good, ...patch }, [signingToken]).ok,
          false,
          JSON.stringify(patch),
        );
      }
    });
  });

  it('identifies by Idempotency-Key (else webhook-id, else X-Gitlab-Event-UUID) and X-Gitlab-Event', () => {
    const headers = {
      'idempotency-key': 'k1',
      'webhook-id': 'w1',
      'x-gitlab-event-uuid': 'u1',
      'x-gitlab-event': 'Push Hook',
    };
    assert.deepEqual(gitlab.identify(request(payload, headers), { requireSignature: false }), {
      eventId: 'k1',
      eventType: 'Push Hook',
    });
    const older = { 'x-gitlab-event-uuid': 'u1' };
    assert.deepEqual(gitlab.identify(request(payload, older), { requireSignature: false }), {
      eventId: 'u1',
      eventType: 'push',
    });
    assert.deepEqual(
      gitlab.identify(request('{}', { 'webhook-id': 'w1' }), { requireSignature: false }),
      {
        eventId: 'w1',
        eventType: undefined,
      },
    );
  });

  it('simulator output verifies in both modes', () => {
    const body = gitlabSimulator.sample();
    for (const secret of [token, signingToken]) {
      const sent = gitlabSimulator.sign({ body, secret, now: NOW_MS, options: {}, url: '' });
      assert.deepEqual(
        check(gitlab, request(sent.body, sent.headers), [secret]),
        { ok: true },
        secret,
      );
      const identity = gitlab.identify(request(sent.body, sent.headers), {
        requireSignature: false,
      });
      assert.equal(identity.eventType, 'Push Hook');
      assert.equal(identity.eventId, sent.headers['idempotency-key']);
    }
  });

  it('agrees with the standardwebhooks library on the signed variant (differential)', (t) => {
    t.mock.method(Date, 'now', () => NOW_MS);
    const cases = fc.record({
      body: fc.string({ unit: 'binary', maxLength: 200 }),
      signer: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      other: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      rotation: fc.boolean(),
      timestamp: fc.integer({ min: NOW_S - 700, max: NOW_S + 700 }),
      tamper: fc.constantFrom('none', 'body', 'signature', 'timestamp', 'secret'),
      where: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const signer = 'whsec_' + Buffer.from(c.signer).toString('base64');
        const other = 'whsec_' + Buffer.from(c.other).toString('base64');
        fc.pre(signer !== other);
        const sig = new Webhook(signer).sign(id, new Date(c.timestamp * 1000), c.body);
        let body = Buffer.from(c.body, 'utf8');
        let signature = sig;
        let ts = c.timestamp;
        if (c.tamper === 'body') {
          fc.pre(body.length > 0);
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          const bytes = flip(Buffer.from(sig.slice(3), 'base64'), c.where, c.delta);
          signature = 'v1,' + bytes.toString('base64');
        } else if (c.tamper === 'timestamp') {
          ts += c.delta % 2 === 0 ? c.delta : -c.delta;
        }
        const h = {
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signature,
        };
        const trusted = c.tamper === 'secret' ? [other] : c.rotation ? [other, signer] : [signer];
        const ours = check(gitlab, request(body, h), trusted).ok;
        const text = body.toString('utf8');
        const theirs = trusted.some((s) => {
          try {
            new Webhook(s).verify(text, h, { jsonParse: false });
            return true;
          } catch {
            return false;
          }
        });
        if (ours) accepted++;
        assert.equal(ours, theirs, `standardwebhooks says ${String(theirs)}`);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });

  it('token mode: accepts exactly the configured tokens (property, no oracle library)', () => {
    const tokens = fc.string({ unit: 'binary', minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(fc.array(tokens, { minLength: 1, maxLength: 3 }), tokens, (secrets, sent) => {
        const ours = verify({ 'x-gitlab-token': sent }, secrets).ok;
        assert.equal(ours, secrets.includes(sent));
      }),
      { numRuns: propertyRuns() },
    );
  });
});
