import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  standardWebhooks,
  standardWebhooksKey,
} from '../../../src/providers/standard-webhooks/provider.ts';
import { check, NOW_S, request } from './support.ts';

const secret = 'whsec_' + randomBytes(24).toString('base64');
const otherSecret = 'whsec_' + randomBytes(32).toString('base64');
const payload = JSON.stringify({ type: 'invoice.paid', data: { id: 'in_1' } });
const msgId = 'msg_' + randomBytes(8).toString('hex');

/** A `v1,<b64>` entry as the standardwebhooks library makes it (the oracle). */
function sign(opts: { secret?: string; timestamp?: number; body?: string; id?: string } = {}) {
  return new Webhook(opts.secret ?? secret).sign(
    opts.id ?? msgId,
    new Date((opts.timestamp ?? NOW_S) * 1000),
    opts.body ?? payload,
  );
}

function headers(signature: string, timestamp = NOW_S, id = msgId) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };
}

const verify = (
  h: Record<string, string | undefined>,
  body = payload,
  secrets: readonly string[] = [secret],
) => check(standardWebhooks, request(body, h), secrets);

describe('standard-webhooks provider', () => {
  it('accepts a signature made by the standardwebhooks library', () => {
    assert.deepEqual(verify(headers(sign())), { ok: true });
  });

  it('matches the library test vector', () => {
    const result = check(
      standardWebhooks,
      request('{"test": 2432232314}', {
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      }),
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      { now: 1614265330_000 },
    );
    assert.deepEqual(result, { ok: true });
  });

  it('accepts the svix-* header aliases', () => {
    const result = verify({
      'svix-id': msgId,
      'svix-timestamp': String(NOW_S),
      'svix-signature': sign(),
    });
    assert.deepEqual(result, { ok: true });
  });

  it('rejects a tampered body, id or timestamp', () => {
    const sig = sign();
    assert.equal(verify(headers(sig), payload + '\n').ok, false);
    assert.equal(verify(headers(sig, NOW_S, msgId + 'x')).ok, false);
    assert.equal(verify(headers(sig, NOW_S + 1)).ok, false);
  });

  it('rejects a signature made with another secret', () => {
    assert.equal(verify(headers(sign({ secret: otherSecret }))).ok, false);
  });

  it('accepts the second secret of the source (rotation on our side)', () => {
    const result = verify(headers(sign({ secret: otherSecret })), payload, [secret, otherSecret]);
    assert.equal(result.ok, true);
  });

  it('accepts any of several space-separated v1 signatures, ignoring other versions', () => {
    const other = sign({ secret: otherSecret });
    const good = sign();
    const v1a = 'v1a,' + randomBytes(64).toString('base64');
    assert.equal(verify(headers(`${v1a} ${other} ${good}`)).ok, true);
    assert.equal(verify(headers(`${v1a} ${other}`)).ok, false);
    assert.equal(verify(headers(good.replace('v1,', 'v1a,'))).ok, false);
    assert.equal(verify(headers(good.replace('v1,', 'v2,'))).ok, false);
  });

  it('takes a secret without the whsec_ prefix as base64', () => {
    const bare = secret.slice('whsec_'.length);
    assert.equal(verify(headers(sign()), payload, [bare]).ok, true);
  });

  it('rejects (without throwing) when no secret is valid base64', () => {
    assert.equal(standardWebhooksKey('whsec_not base64!'), undefined);
    assert.equal(standardWebhooksKey('whsec_'), undefined);
    assert.equal(verify(headers(sign()), payload, ['whsec_***']).ok, false);
  });

  it('accepts timestamps exactly at the tolerance, either way', () => {
    for (const t of [NOW_S - 300, NOW_S + 300]) {
      assert.equal(verify(headers(sign({ timestamp: t }), t)).ok, true, `t=${t}`);
    }
  });

  it('rejects a timestamp more than 300 s old', () => {
    const t = NOW_S - 301;
    const result = verify(headers(sign({ timestamp: t }), t));
    assert.deepEqual(result, { ok: false, reason: 'timestamp outside tolerance' });
  });

  it('rejects a timestamp more than 300 s ahead', () => {
    const t = NOW_S + 301;
    const result = verify(headers(sign({ timestamp: t }), t));
    assert.deepEqual(result, { ok: false, reason: 'timestamp outside tolerance' });
  });

  it('rejects missing or garbage headers without throwing', () => {
    const sig = sign();
    const full = headers(sig);
    assert.equal(verify({}).ok, false);
    assert.equal(verify({ ...full, 'webhook-id': undefined }).ok, false);
    assert.equal(verify({ ...full, 'webhook-timestamp': undefined }).ok, false);
    assert.equal(verify({ ...full, 'webhook-signature': undefined }).ok, false);
    for (const ts of ['', 'now', '1e9', `${NOW_S}.0`, `-${NOW_S}`, 'NaN', '9'.repeat(20)]) {
      assert.equal(verify({ ...full, 'webhook-timestamp': ts }).ok, false, `ts ${ts}`);
    }
    for (const s of ['', 'v1,', 'v1', 'garbage', 'v1,!!!!', `v1,${'A'.repeat(10000)}`]) {
      assert.equal(verify({ ...full, 'webhook-signature': s }).ok, false, `sig ${s}`);
    }
  });

  it('rejects a signature of a different length without throwing', () => {
    const b64 = sign().slice('v1,'.length);
    const short = Buffer.from(b64, 'base64').subarray(0, 20).toString('base64');
    const long = Buffer.concat([Buffer.from(b64, 'base64'), Buffer.alloc(1)]).toString('base64');
    assert.equal(verify(headers(`v1,${short}`)).ok, false);
    assert.equal(verify(headers(`v1,${long}`)).ok, false);
  });

  it('identifies the event by webhook-id and the body type', () => {
    assert.deepEqual(standardWebhooks.identify(request(payload, headers('v1,x')), {}), {
      eventId: msgId,
      eventType: 'invoice.paid',
    });
    assert.deepEqual(standardWebhooks.identify(request('{"type":1}', { 'svix-id': 'm2' }), {}), {
      eventId: 'm2',
      eventType: undefined,
    });
  });
});
