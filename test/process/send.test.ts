import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sendSimulated } from '../../src/cli/send.ts';
import { parseConfig, type LoadedConfig } from '../../src/config/load.ts';
import { simulators } from '../../src/providers/simulators.ts';
import { tempDir } from '../helpers/gateway.ts';
import { spawnGateway, writeConfig, type GatewayProcess } from '../helpers/process.ts';

const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;

const dir = tempDir();

/** A key pair: the source holds the public key, `hookgate send --key` gets the private one. */
function keyPair(type: 'ed25519' | 'ec', publicKey: (der: Buffer) => string) {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = join(dir, `${type}.pem`);
  writeFileSync(key, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { secret: publicKey(pair.publicKey.export({ type: 'spki', format: 'der' })), key };
}

/** What a source of each provider needs beyond a random secret. */
const special: Record<string, { secret?: string; options?: object; key?: string }> = {
  'standard-webhooks': { secret: `whsec_${randomBytes(24).toString('base64')}` },
  'basic-auth': { secret: `partner:${randomBytes(12).toString('hex')}` },
  twilio: { options: { url: 'https://hooks.example.com/webhooks/twilio' } },
  square: { options: { notificationUrl: 'https://hooks.example.com/webhooks/square' } },
  // Discord's public key is the raw 32 bytes in hex (the end of the SPKI DER).
  discord: keyPair('ed25519', (der) => der.subarray(-32).toString('hex')),
  sendgrid: keyPair('ec', (der) => der.toString('base64')),
};
/**
 * PayPal signs with a certificate its servers publish: the simulator cannot be checked without
 * one (test/unit/providers/paypal.test.ts serves its own over HTTPS and covers it).
 */
const needsCertificateHost = new Set(['paypal']);
const providers = [...simulators.keys()].filter((p) => !needsCertificateHost.has(p));

/** `hookgate send` against a real gateway process: every simulator's sample is accepted. */
describe('hookgate send (webhook simulator)', () => {
  let gateway: GatewayProcess;
  let loaded: LoadedConfig;
  let file: string;
  before(async () => {
    file = writeConfig(dir, {
      sources: providers.map((provider) => ({
        name: provider,
        provider,
        secrets: [special[provider]?.secret ?? randomBytes(24).toString('hex')],
        ...(special[provider]?.options ? { options: special[provider].options } : {}),
      })),
    });
    loaded = parseConfig(readFileSync(file, 'utf8'), { file, env: {}, dataDir: dir });
    gateway = await spawnGateway(file, dir);
  });
  after(async () => {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  });

  it('signs each provider sample as the platform would, and the gateway stores it', async () => {
    for (const provider of providers) {
      const result = await sendSimulated(loaded, {
        provider,
        source: provider,
        url: gateway.url,
        key: special[provider]?.key,
      });
      assert.equal(result.status, 200, `${provider}: ${result.body}`);
      const answer = JSON.parse(result.body) as {
        data?: { eventId?: string };
        remoteResponse?: { remoteOrderId?: string };
      };
      // Talabat's dispatch is answered in Delivery Hero's own shape, with Hookgate's id.
      assert.ok(answer.data?.eventId ?? answer.remoteResponse?.remoteOrderId, provider);
    }
  });

  it('works from the command line, and refuses a source of another provider', () => {
    const env = { ...process.env, HOOKGATE_CONFIG: file, HOOKGATE_DATA_DIR: dir };
    const ok = spawnSync(
      process.execPath,
      ['--import', 'tsx', main, 'send', 'stripe', '--source', 'stripe', '--url', gateway.url],
      { env, encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^POST .*\/webhooks\/stripe -> 200/);
    const wrong = spawnSync(
      process.execPath,
      ['--import', 'tsx', main, 'send', 'stripe', '--source', 'github', '--url', gateway.url],
      { env, encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /uses provider "github"/);
    assert.doesNotMatch(wrong.stderr, /\bat .*\.ts:\d+/);
  });
});
