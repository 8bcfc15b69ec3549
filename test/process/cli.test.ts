import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
    const file = writeConfig(dir, { storage: { url: `sqlite:${join(dir, 'm.db')}` } });
    const res = run(['migrate'], { HOOKGATE_CONFIG: file, HOOKGATE_DATA_DIR: dir });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /migrations applied/);
  });
});
