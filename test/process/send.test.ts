import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sendSimulated } from '../../src/cli/send.ts';
import { parseConfig, type LoadedConfig } from '../../src/config/load.ts';
import { tempDir } from '../helpers/gateway.ts';
import { startPayPalCertHost, type PayPalCertHost } from '../helpers/pki.ts';
import { providerSources, type ProviderSource } from '../helpers/provider-sources.ts';
import { spawnGateway, writeConfig, type GatewayProcess } from '../helpers/process.ts';

const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;

const dir = tempDir();

/** `hookgate send` against a real gateway process: every simulator's sample is accepted. */
describe('hookgate send (webhook simulator)', () => {
  let gateway: GatewayProcess;
  let loaded: LoadedConfig;
  let file: string;
  let paypal: PayPalCertHost;
  let sources: ProviderSource[];
  before(async () => {
    paypal = await startPayPalCertHost();
    sources = providerSources(dir, paypal);
    file = writeConfig(dir, { sources: sources.map((s) => s.source) });
    loaded = parseConfig(readFileSync(file, 'utf8'), { file, env: {}, dataDir: dir });
    gateway = await spawnGateway(file, dir);
  });
  after(async () => {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
    await paypal.close();
  });

  it('signs each provider sample as the platform would, and the gateway stores it', async () => {
    for (const { source, keyFile } of sources) {
      const provider = source.provider;
      const result = await sendSimulated(loaded, {
        provider,
        source: provider,
        url: gateway.url,
        key: keyFile,
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
