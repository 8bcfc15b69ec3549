import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { verifyKey } from 'discord-interactions';
import fc from 'fast-check';
import { discord } from '../../../src/providers/discord/provider.ts';
import { discordSimulator } from '../../../src/providers/discord/simulate.ts';
import { discordVectors } from '../../../src/providers/discord/vectors.ts';
import { propertyRuns } from './property-runs.ts';
import { check, flipInPlace, NOW_MS, NOW_S, request } from './support.ts';

const newKeys = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    hex: spki.subarray(spki.length - 32).toString('hex'),
  };
};
const keys = newKeys();
const other = newKeys();
const payload = JSON.stringify({ id: '1301', type: 2, data: { name: 'order' }, token: 't' });

const sig = (body: string | Buffer, ts = String(NOW_S), key = keys.privateKey) =>
  sign(null, Buffer.concat([Buffer.from(ts), Buffer.from(body)]), key).toString('hex');
const headers = (s: string | undefined, ts: string | undefined) => ({
  'x-signature-ed25519': s,
  'x-signature-timestamp': ts,
});
const verify = (
  body: string | Buffer,
  h: Record<string, string | undefined>,
  secrets = [keys.hex],
  tolerance?: number,
) =>
  check(
    discord,
    request(body, h),
    secrets,
    tolerance === undefined ? {} : { toleranceSeconds: tolerance },
  );
const ok = (body: string | Buffer = payload, ts = String(NOW_S)) => headers(sig(body, ts), ts);

describe('discord provider', () => {
  for (const v of discordVectors) {
    it(`fixed vector: ${v.source}`, async () => {
      assert.deepEqual(verify(v.body, headers(v.signature, v.timestamp), [v.publicKey]), {
        ok: true,
      });
      assert.equal(await verifyKey(v.body, v.signature, v.timestamp, v.publicKey), true);
    });
  }

  it('accepts a valid signature; rejects tampered body, timestamp, other key', () => {
    assert.deepEqual(verify(payload, ok()), { ok: true });
    assert.equal(verify(payload + ' ', ok()).ok, false);
    assert.equal(verify(payload, headers(sig(payload), String(NOW_S + 1))).ok, false);
    assert.equal(
      verify(payload, headers(sig(payload, String(NOW_S), other.privateKey), String(NOW_S))).ok,
      false,
    );
  });

  it('tries every configured key (rotation) and ignores malformed keys', () => {
    const h = headers(sig(payload, String(NOW_S), other.privateKey), String(NOW_S));
    assert.equal(verify(payload, h, [keys.hex, other.hex]).ok, true);
    assert.equal(verify(payload, ok(), ['zz', keys.hex.slice(2), keys.hex]).ok, true);
    assert.deepEqual(verify(payload, ok(), ['nothex']), {
      ok: false,
      reason: 'no secret is a 32-byte hex public key',
    });
  });

  it('checks the timestamp only when toleranceSeconds is set, both ways', () => {
    const old = String(NOW_S - 3600);
    assert.equal(verify(payload, ok(payload, old)).ok, true);
    assert.deepEqual(verify(payload, ok(payload, old), [keys.hex], 300), {
      ok: false,
      reason: 'timestamp outside tolerance',
    });
    assert.equal(verify(payload, ok(payload, String(NOW_S + 301)), [keys.hex], 300).ok, false);
    assert.equal(verify(payload, ok(payload, String(NOW_S - 300)), [keys.hex], 300).ok, true);
  });

  it('rejects missing or garbled headers without throwing', () => {
    assert.equal(verify(payload, headers(undefined, String(NOW_S))).ok, false);
    assert.equal(verify(payload, headers(sig(payload), undefined)).ok, false);
    for (const s of ['', 'zz', sig(payload).slice(2), sig(payload) + '00', 'g'.repeat(128)])
      assert.equal(verify(payload, headers(s, String(NOW_S))).ok, false, s);
  });

  it('answers an interactions PING with PONG and a webhook-events PING with 204 (both signed)', () => {
    const ctx = {
      now: NOW_MS,
      secrets: [keys.hex],
      toleranceSeconds: 0,
      options: {},
      runtime: undefined,
    };
    const ping = request('{"type":1}', ok('{"type":1}'));
    assert.deepEqual(discord.handshake?.(ping, ctx), {
      signed: true,
      reply: { status: 200, contentType: 'application/json', body: '{"type":1}' },
    });
    const eventPing = '{"version":1,"application_id":"1234560123453231555","type":0}';
    assert.deepEqual(discord.handshake?.(request(eventPing, ok(eventPing)), ctx), {
      signed: true,
      reply: { status: 204, contentType: 'text/plain', body: '' },
    });
    const event =
      '{"version":1,"application_id":"1","type":1,"event":{"type":"APPLICATION_AUTHORIZED","timestamp":"2024-10-18T14:42:53.064834","data":{}}}';
    assert.equal(discord.handshake?.(request(event), ctx), undefined);
    assert.equal(discord.handshake?.(request(payload), ctx), undefined);
    assert.equal(discord.handshake?.(request('not json'), ctx), undefined);
  });

  it('identifies interactions by id and type (command name) and webhook events by event.type', () => {
    assert.deepEqual(discord.identify(request(payload), {}), {
      eventId: '1301',
      eventType: 'interaction.application_command.order',
    });
    assert.deepEqual(
      discord.identify(request('{"id":"9","type":3,"data":{"custom_id":"b"}}'), {}),
      {
        eventId: '9',
        eventType: 'interaction.message_component',
      },
    );
    const event =
      '{"version":1,"application_id":"1","type":1,"event":{"type":"ENTITLEMENT_CREATE","data":{"id":"e"}}}';
    assert.deepEqual(discord.identify(request(event), {}), { eventType: 'ENTITLEMENT_CREATE' });
    assert.deepEqual(discord.identify(request('[1]'), {}), {});
  });

  it('simulator output verifies', () => {
    const sent = discordSimulator.sign({
      body: discordSimulator.sample(),
      secret: keys.privatePem,
      now: NOW_MS,
      options: {},
      url: 'http://x',
    });
    assert.deepEqual(check(discord, request(sent.body, sent.headers), [keys.hex]), { ok: true });
    assert.equal(
      discord.identify(request(sent.body), {}).eventType,
      'interaction.application_command.order',
    );
  });

  it('accepts upper-case hex like the library; agrees on random cases (differential)', async () => {
    assert.equal(verify(payload, headers(sig(payload).toUpperCase(), String(NOW_S))).ok, true);
    let accepted = 0;
    const pool = [keys, other];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          body: fc.uint8Array({ maxLength: 200 }),
          timestamp: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
          signer: fc.integer({ min: 0, max: 1 }),
          tamper: fc.constantFrom('none', 'body', 'signature', 'timestamp', 'secret'),
          where: fc.nat(),
          delta: fc.integer({ min: 1, max: 255 }),
        }),
        async (c) => {
          const signer = pool[c.signer]!;
          const trusted = c.tamper === 'secret' ? pool[1 - c.signer]! : signer;
          let ts = String(c.timestamp);
          let body = Buffer.from(c.body);
          let s = sign(null, Buffer.concat([Buffer.from(ts), body]), signer.privateKey);
          if (c.tamper === 'body') body = Buffer.concat([body, Buffer.from([c.delta])]);
          else if (c.tamper === 'timestamp') ts = String(c.timestamp + c.delta);
          else if (c.tamper === 'signature') {
            s = Buffer.from(s);
            flipInPlace(s, c.where % s.length, c.delta);
          }
          const hex = s.toString('hex');
          const ours = check(discord, request(body, headers(hex, ts)), [trusted.hex]).ok;
          const theirs = await verifyKey(body, hex, ts, trusted.hex);
          if (ours) accepted++;
          assert.equal(ours, theirs);
        },
      ),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0);
  });

  it('rejects odd-length or non-hex signatures the library half-parses (divergence)', async () => {
    // verifyKey splits hex with /.{1,2}/g and parseInt: "0g" reads as 0; Hookgate rejects it.
    const good = sig(payload);
    const odd = good.slice(0, 127) + 'g';
    assert.equal(verify(payload, headers(odd, String(NOW_S))).ok, false);
    assert.equal(typeof (await verifyKey(payload, odd, String(NOW_S), keys.hex)), 'boolean');
  });
});
