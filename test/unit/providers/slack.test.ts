import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isValidSlackRequest } from '@slack/bolt';
import fc from 'fast-check';
import { slack } from '../../../src/providers/slack/provider.ts';
import { slackSimulator } from '../../../src/providers/slack/simulate.ts';
import { slackVectors } from '../../../src/providers/slack/vectors.ts';
import { verifyWebhook } from '../../../src/verify/verified.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flip, NOW_MS, NOW_S, request } from './support.ts';

const secret = randomBytes(16).toString('hex');
const otherSecret = randomBytes(16).toString('hex');
const payload = JSON.stringify({
  type: 'event_callback',
  event_id: 'Ev08MFMKH6',
  event: { type: 'app_mention', text: 'hi' },
});

function sign(body = payload, t: number | string = NOW_S, key = secret): string {
  return 'v0=' + createHmac('sha256', key).update(`v0:${t}:${body}`).digest('hex');
}

function headers(signature = sign(), t: number | string = NOW_S) {
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(t) };
}

const verify = (h: Record<string, string | undefined>, body = payload, secrets = [secret]) =>
  check(slack, request(body, h), secrets);

/** Bolt's check, as its HTTP receivers call it (the timestamp header as a number). */
function bolt(body: string, h: Record<string, string>, signingSecret = secret): boolean {
  return isValidSlackRequest({
    signingSecret,
    body,
    headers: {
      'x-slack-signature': h['x-slack-signature'] ?? '',
      'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
    },
    nowMilliseconds: NOW_MS,
  });
}

describe('slack provider', () => {
  it('passes the Slack documentation vector', () => {
    for (const v of slackVectors) {
      const h = { 'x-slack-signature': v.signature, 'x-slack-request-timestamp': v.timestamp };
      const now = Number(v.timestamp) * 1000;
      assert.deepEqual(
        check(slack, request(v.body, h), [v.secret], { now }),
        { ok: true },
        v.source,
      );
    }
  });

  it('accepts a valid signature, which Bolt accepts too', () => {
    assert.deepEqual(verify(headers()), { ok: true });
    assert.equal(bolt(payload, headers()), true);
  });

  it('rejects a tampered body or timestamp, another secret; accepts the second secret', () => {
    assert.equal(verify(headers(), payload + ' ').ok, false);
    assert.equal(verify(headers(sign(), NOW_S + 1)).ok, false);
    assert.equal(verify(headers(sign(payload, NOW_S, otherSecret))).ok, false);
    assert.equal(
      verify(headers(sign(payload, NOW_S, otherSecret)), payload, [secret, otherSecret]).ok,
      true,
    );
  });

  it('checks the timestamp within 300 s both ways', () => {
    for (const t of [NOW_S - 300, NOW_S + 300])
      assert.equal(verify(headers(sign(payload, t), t)).ok, true);
    for (const t of [NOW_S - 301, NOW_S + 301]) {
      assert.deepEqual(verify(headers(sign(payload, t), t)), {
        ok: false,
        reason: 'timestamp outside tolerance',
      });
    }
  });

  it('rejects missing or garbled headers without throwing', () => {
    const good = headers();
    assert.equal(verify({}).ok, false);
    assert.equal(verify({ ...good, 'x-slack-signature': undefined }).ok, false);
    assert.equal(verify({ ...good, 'x-slack-request-timestamp': undefined }).ok, false);
    for (const ts of ['', 'now', `${NOW_S}.0`, `-${NOW_S}`, '1e9']) {
      assert.equal(verify({ ...good, 'x-slack-request-timestamp': ts }).ok, false, ts);
    }
    const hex = good['x-slack-signature'].slice(3);
    for (const s of [
      '',
      'v0=',
      'v0',
      `v1=${hex}`,
      hex,
      `v0=${hex}zz`,
      `v0=${hex.slice(2)}`,
      `V0=${hex}`,
    ]) {
      assert.equal(verify({ ...good, 'x-slack-signature': s }).ok, false, s);
    }
  });

  it('answers url_verification with the challenge, once verified', async () => {
    const body = JSON.stringify({
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const source = {
      provider: slack,
      secrets: [secret],
      toleranceSeconds: 300,
      options: {},
      runtime: undefined,
    };
    const ok = await verifyWebhook(source, request(body, headers(sign(body))), NOW_MS, () => {});
    assert.deepEqual(ok.handshake, {
      signed: true,
      reply: {
        status: 200,
        contentType: 'text/plain',
        body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      },
    });
    await assert.rejects(verifyWebhook(source, request(body, headers()), NOW_MS, () => {}));
    assert.equal(slack.handshake?.(request(payload), {} as never), undefined);
    assert.equal(slack.handshake?.(request('{"type":"url_verification"}'), {} as never), undefined);
  });

  it('identifies Events API events, interactivity and slash commands', () => {
    assert.deepEqual(slack.identify(request(payload), {}), {
      eventId: 'Ev08MFMKH6',
      eventType: 'app_mention',
    });
    assert.deepEqual(slack.identify(request('{"type":"app_rate_limited"}'), {}), {
      eventId: undefined,
      eventType: 'app_rate_limited',
    });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const interactive =
      'payload=' + encodeURIComponent('{"type":"block_actions","trigger_id":"1"}');
    assert.deepEqual(slack.identify(request(interactive, form), {}), {
      eventType: 'block_actions',
    });
    assert.deepEqual(slack.identify(request(slackVectors[0]?.body ?? '', form), {}), {
      eventType: '/webhook-collect',
    });
    assert.deepEqual(slack.identify(request('payload=%7Bnot', form), {}), {});
    assert.deepEqual(slack.identify(request('x=1'), {}), {});
  });

  it('simulator output verifies and Bolt accepts it', () => {
    const body = slackSimulator.sample();
    const sent = slackSimulator.sign({ body, secret, now: NOW_MS, options: {}, url: '' });
    assert.deepEqual(check(slack, request(sent.body, sent.headers), [secret]), { ok: true });
    assert.equal(bolt(sent.body.toString('utf8'), { ...sent.headers }), true);
    assert.equal(slack.identify(request(sent.body), {}).eventType, 'app_mention');
  });

  describe('divergences from @slack/bolt (Hookgate on purpose)', () => {
    it('rejects a timestamp more than 300 s ahead; Bolt rejects only old ones', () => {
      const t = NOW_S + 301;
      assert.equal(bolt(payload, headers(sign(payload, t), t)), true);
      assert.equal(verify(headers(sign(payload, t), t)).ok, false);
    });

    it('signs the timestamp as sent; Bolt signs the re-stringified Number(header)', () => {
      const h = headers(sign(payload, NOW_S), `0${NOW_S}`);
      assert.equal(bolt(payload, h), true);
      assert.equal(verify(h).ok, false);
    });

    it('accepts upper-case hex (compares bytes); Bolt compares strings', () => {
      const h = headers('v0=' + sign().slice(3).toUpperCase());
      assert.equal(bolt(payload, h), false);
      assert.equal(verify(h).ok, true);
    });
  });

  it('agrees with @slack/bolt isValidSlackRequest on random cases (differential)', () => {
    const cases = fc.record({
      body: fc.string({ unit: 'binary', maxLength: 200 }),
      signer: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      other: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      rotation: fc.boolean(),
      // Bolt accepts any future timestamp; Hookgate rejects beyond 300 s (tested above).
      timestamp: fc.integer({ min: NOW_S - 700, max: NOW_S + 300 }),
      tamper: fc.constantFrom('none', 'body', 'signature', 'timestamp', 'secret', 'version'),
      where: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        fc.pre(c.signer !== c.other);
        let body = Buffer.from(c.body, 'utf8');
        let mac = createHmac('sha256', c.signer).update(`v0:${c.timestamp}:`).update(body).digest();
        let ts = c.timestamp;
        let version = 'v0';
        if (c.tamper === 'body') {
          fc.pre(body.length > 0);
          body = flip(body, c.where, c.delta);
        } else if (c.tamper === 'signature') {
          mac = flip(mac, c.where, c.delta);
        } else if (c.tamper === 'timestamp') {
          ts += c.delta % 2 === 0 ? c.delta : -c.delta;
        } else if (c.tamper === 'version') {
          version = 'v1';
        }
        const h = headers(`${version}=${mac.toString('hex')}`, ts);
        const trusted =
          c.tamper === 'secret' ? [c.other] : c.rotation ? [c.other, c.signer] : [c.signer];
        const ours = check(slack, request(body, h), trusted).ok;
        const theirs = trusted.some((s) => bolt(body.toString('utf8'), h, s));
        if (ours) accepted++;
        assert.equal(ours, theirs, `Bolt says ${String(theirs)} for ${JSON.stringify(h)}`);
      }),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0, 'no case was accepted: the generator is broken');
  });
});
