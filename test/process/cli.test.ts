import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/gateway.ts';
import { writeConfig } from '../helpers/process.ts';

const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function run(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('hookgate CLI', () => {
  it('exits non-zero and names the path when the configuration is invalid', () => {
    const dir = tempDir();
    const file = writeConfig(dir, { sources: [{ name: 'a', provider: 'stripe' }] });
    const res = run(['serve'], { HOOKGATE_CONFIG: file, HOOKGATE_DATA_DIR: dir });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /sources\[0\]\.secrets: required/);
    assert.doesNotMatch(res.stderr, /\bat .*\.ts:\d+/); // no stack trace for a config error
  });

  it('applies migrations with `hookgate migrate`', () => {
    const dir = tempDir();
    const file = writeConfig(dir, {
      storage: { url: `sqlite:${join(dir, 'm.db')}` },
      sources: [{ name: 'a', provider: 'none' }],
    });
    const res = run(['migrate'], { HOOKGATE_CONFIG: file, HOOKGATE_DATA_DIR: dir });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /migrations applied/);
  });

  describe('expected errors: one clear line on stderr, exit 1, never a stack trace', () => {
    const dir = tempDir();
    const file = writeConfig(dir, {
      storage: { url: `sqlite:${join(dir, 'h.db')}` },
      sources: [
        { name: 'stripe', provider: 'stripe', secrets: ['whsec_test'] },
        {
          name: 'paypal',
          provider: 'paypal',
          options: { webhookId: 'WH-1', certHosts: ['127.0.0.1:1'] },
        },
      ],
    });
    const env = { HOOKGATE_CONFIG: file, HOOKGATE_DATA_DIR: dir, HOST: '127.0.0.1' };
    let busy: Server;
    let busyPort: number;
    /** A port nothing listens on (taken, then given back). */
    let freePort: number;
    before(async () => {
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      busyPort = (busy.address() as AddressInfo).port;
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      freePort = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    });
    after(() => busy.close());

    function oneLine(res: ReturnType<typeof run>, pattern: RegExp): void {
      assert.equal(res.status, 1, res.stderr);
      const lines = res.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0] ?? '', pattern);
      assert.doesNotMatch(res.stderr, /\bat .*\.(ts|js):\d+|failed to start/);
    }

    it('port in use', () => {
      const res = run(['serve'], { ...env, PORT: String(busyPort) });
      oneLine(
        res,
        new RegExp(`^hookgate: cannot listen on 127\\.0\\.0\\.1:${busyPort}: the port is in use`),
      );
    });

    it('database unreachable, its password not shown', () => {
      const res = run(['serve'], {
        ...env,
        PORT: '0',
        DATABASE_URL: `postgres://hookgate:s3cret-pw@127.0.0.1:${freePort}/hookgate`,
      });
      oneLine(
        res,
        new RegExp(
          `^hookgate: cannot open the database postgres://hookgate:\\*\\*\\*@127\\.0\\.0\\.1:${freePort}/hookgate: .*ECONNREFUSED`,
        ),
      );
      assert.doesNotMatch(res.stderr + res.stdout, /s3cret-pw/);
      const migrate = run(['migrate'], {
        ...env,
        DATABASE_URL: `postgres://hookgate:s3cret-pw@127.0.0.1:${freePort}/hookgate`,
      });
      oneLine(migrate, /^hookgate: cannot open the database postgres:\/\/hookgate:\*\*\*@/);
    });

    it('send to a gateway that is not running', () => {
      const url = `http://127.0.0.1:${freePort}`;
      const res = run(['send', 'stripe', '--source', 'stripe', '--url', url], env);
      oneLine(
        res,
        new RegExp(
          `^hookgate: no gateway answered at http://127\\.0\\.0\\.1:${freePort} \\(ECONNREFUSED\\): is it running\\?`,
        ),
      );
    });

    it('send paypal without --key, and with a --key or --file that does not exist', () => {
      const url = `http://127.0.0.1:${freePort}`;
      oneLine(
        run(['send', 'paypal', '--source', 'paypal', '--url', url], env),
        /^hookgate: hookgate send paypal needs --key <file>: the PEM private key/,
      );
      oneLine(
        run(['send', 'paypal', '--source', 'paypal', '--key', join(dir, 'nope.pem')], env),
        /^hookgate: cannot read --key .*nope\.pem: ENOENT$/,
      );
      oneLine(
        run(['send', 'stripe', '--source', 'stripe', '--file', join(dir, 'nope.json')], env),
        /^hookgate: cannot read --file .*nope\.json: ENOENT$/,
      );
      writeFileSync(join(dir, 'bad.pem'), 'not a key');
      oneLine(
        run(['send', 'paypal', '--source', 'paypal', '--key', join(dir, 'bad.pem')], env),
        /^hookgate: cannot sign as paypal: /,
      );
    });

    it('an empty configuration file, and PORT=abc', () => {
      const empty = join(dir, 'empty.yaml');
      writeFileSync(empty, '');
      const res = run(['serve'], { ...env, HOOKGATE_CONFIG: empty });
      assert.equal(res.status, 1);
      assert.match(res.stderr, /\(file\): it is empty: a gateway needs at least one source/);
      const port = run(['serve'], { ...env, PORT: 'abc' });
      assert.equal(port.status, 1);
      assert.match(port.stderr, /^ {2}PORT \(server\.port\): /m);
      assert.doesNotMatch(res.stderr + port.stderr, /\bat .*\.(ts|js):\d+/);
    });
  });
});
