import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sign } from '@octokit/webhooks-methods';
import { github } from '../../../src/providers/github/provider.ts';
import { check, request } from './support.ts';

const secret = randomBytes(20).toString('hex');
const otherSecret = randomBytes(20).toString('hex');
const payload = JSON.stringify({ action: 'opened', issue: { number: 1 } });

/** The legacy header; @octokit/webhooks-methods no longer makes SHA-1 signatures. */
function sha1(body: string, key = secret): string {
  return 'sha1=' + createHmac('sha1', key).update(body).digest('hex');
}

const verify = (headers: Record<string, string | undefined>, body = payload, secrets = [secret]) =>
  check(github, request(body, headers), secrets);

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

  it('accepts a legacy sha1-only signature', () => {
    assert.deepEqual(verify({ 'x-hub-signature': sha1(payload) }), { ok: true });
    assert.equal(verify({ 'x-hub-signature': sha1(payload, otherSecret) }).ok, false);
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
    assert.deepEqual(github.identify(request(payload, headers), {}), {
      eventId: 'abc-123',
      eventType: 'issues.opened',
    });
    assert.deepEqual(github.identify(request('{"ref":"main"}', { 'x-github-event': 'push' }), {}), {
      eventId: undefined,
      eventType: 'push',
    });
    assert.deepEqual(github.identify(request('{"action":3}', { 'x-github-event': 'ping' }), {}), {
      eventId: undefined,
      eventType: 'ping',
    });
    assert.deepEqual(github.identify(request('payload=%7B%7D', {}), {}), {
      eventId: undefined,
      eventType: undefined,
    });
  });
});
