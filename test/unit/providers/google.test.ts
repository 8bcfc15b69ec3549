import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { google } from '../../../src/providers/google/provider.ts';
import { googleSimulator } from '../../../src/providers/google/simulate.ts';
import { googleVectors } from '../../../src/providers/google/vectors.ts';
import { check, context, NOW_MS, request } from './support.ts';
import { propertyRuns } from './property-runs.ts';

const token = randomBytes(24).toString('base64url');
const otherToken = randomBytes(24).toString('base64url');
const headers = (
  t: string | undefined,
  state = 'update',
  channel: string | undefined = 'chan-1',
) => ({
  'x-goog-channel-id': channel,
  'x-goog-channel-token': t,
  'x-goog-message-number': '7',
  'x-goog-resource-id': 'res-1',
  'x-goog-resource-state': state,
});
const verify = (h: Record<string, string | undefined>, secrets = [token], options = {}) =>
  check(google, request('', h), secrets, { options });

describe('google provider', () => {
  it('has no vectors (nothing is signed)', () => assert.equal(googleVectors.length, 0));

  it('accepts the channel token; rejects another; tries every secret', () => {
    assert.deepEqual(verify(headers(token)), { ok: true });
    assert.equal(verify(headers(otherToken)).ok, false);
    assert.equal(verify(headers(token.slice(1))).ok, false);
    assert.equal(verify(headers(token + 'x')).ok, false);
    assert.equal(verify(headers(otherToken), [token, otherToken]).ok, true);
  });

  it('restricts channel ids when configured', () => {
    assert.equal(verify(headers(token), [token], { channelIds: ['chan-1'] }).ok, true);
    assert.deepEqual(
      verify(headers(token, 'update', 'chan-2'), [token], { channelIds: ['chan-1'] }),
      {
        ok: false,
        reason: 'channel chan-2 is not in channelIds',
      },
    );
  });

  it('rejects missing headers', () => {
    assert.equal(verify(headers(undefined)).ok, false);
    assert.equal(verify(headers('')).ok, false);
    assert.equal(verify({ ...headers(token), 'x-goog-channel-id': undefined }).ok, false);
  });

  it('treats the sync message as a signed handshake answered 200 empty', () => {
    const ctx = context(google, [token]);
    assert.deepEqual(google.handshake?.(request('', headers(token, 'sync')), ctx), {
      signed: true,
      reply: { status: 200, contentType: 'text/plain', body: '' },
    });
    assert.equal(google.handshake?.(request('', headers(token)), ctx), undefined);
  });

  it('identifies by channel id + message number and resource state', () => {
    assert.deepEqual(google.identify(request('', headers(token)), { channelIds: [] }), {
      eventId: 'chan-1:7',
      eventType: 'update',
    });
  });

  it('simulator output verifies', () => {
    const options = google.optionsSchema.parse({ channelIds: ['c-9'] });
    const s = googleSimulator.sign({
      body: googleSimulator.sample(),
      secret: token,
      now: NOW_MS,
      options,
      url: '',
    });
    assert.deepEqual(
      check(google, request(s.body, s.headers), [token], { options: { channelIds: ['c-9'] } }),
      { ok: true },
    );
  });

  it('accepts exactly the configured tokens on random inputs', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 256 }),
        fc.string({ minLength: 1, maxLength: 256 }),
        (configured, sent) => {
          assert.equal(verify(headers(sent), [configured]).ok, configured === sent);
          assert.equal(verify(headers(configured), [configured]).ok, true);
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
