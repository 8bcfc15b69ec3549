import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/gateway.ts';
import { spawnGateway, type GatewayProcess } from '../helpers/process.ts';
import { eventually } from '../helpers/receiver.ts';

const root = new URL('../../', import.meta.url).pathname;
const main = join(root, 'src/cli/main.ts');
const example = join(root, 'hookgate.example.yaml');

/**
 * A newcomer's first run, as the README says it: the example configuration, the throwaway demo
 * backend, and `hookgate send careem` / `send talabat` as commands. Each order must reach the
 * backend normalized (passing the example's rules), and each send be a new event.
 */
describe('first run with the example configuration', () => {
  const dir = tempDir();
  let backend: ChildProcess;
  let backendOutput = '';
  let gateway: GatewayProcess;
  let env: Record<string, string>;

  before(async () => {
    backend = spawn(process.execPath, ['--import', 'tsx', main, 'demo-backend', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    backend.stdout?.on('data', (d: Buffer) => (backendOutput += d.toString()));
    backend.stderr?.on('data', (d: Buffer) => (backendOutput += d.toString()));
    const url = await eventually(
      () => /listening on (http:\/\/\S+):/.exec(backendOutput)?.[1],
      20_000,
    );
    env = {
      HOOKGATE_CONFIG: example,
      HOOKGATE_DATA_DIR: dir,
      DATABASE_URL: `sqlite:${join(dir, 'hookgate.db')}`,
      BACKEND_URL: url,
    };
    gateway = await spawnGateway(example, dir, env);
  });
  after(async () => {
    gateway?.child.kill('SIGTERM');
    await gateway?.exited;
    backend.kill('SIGTERM');
    if (backend.exitCode === null) await once(backend, 'exit');
  });

  const send = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', main, 'send', ...args, '--url', gateway.url], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  const orders = () => backendOutput.split('\n').filter((l) => l.startsWith('order '));

  it('delivers `send careem` and `send talabat` to the demo backend as normalized orders', async () => {
    const careem = send('careem', '--source', 'careem');
    assert.equal(careem.status, 0, careem.stderr + careem.stdout);
    assert.match(careem.stdout, /-> 200\n/);
    const talabat = send('talabat', '--source', 'talabat');
    assert.equal(talabat.status, 0, talabat.stderr + talabat.stdout);
    assert.match(talabat.stdout, /-> 200\n\{"remoteResponse":\{"remoteOrderId":"evt_/);
    await eventually(() => orders().length >= 2, 20_000);
    const [first, second] = orders().sort();
    assert.match(
      first ?? '',
      /^order CAREEM-\d+ \(careem\) for branch branch-uuid: 2 × Chicken Burger; total 16\.240 JOD; customer Ahmed Ali \(event evt_\w+\) \[with X-Service-Token\]$/,
    );
    assert.match(
      second ?? '',
      /^order TALABAT-\S+ \(talabat\) for branch branch-khalda: 2 × Chicken Burger \(Regular\); total 16\.240 JOD; customer Ahmed Ali \(event evt_\w+\) \[with X-Service-Token\]$/,
    );
  });

  it('makes each send a new event, unless --id says it is the same one', async () => {
    const before = orders().length;
    const again = send('careem', '--source', 'careem');
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /"duplicate":true/);
    await eventually(() => orders().length === before + 1, 20_000);
    const numbers = orders().map((l) => /^order (\S+)/.exec(l)?.[1]);
    assert.equal(new Set(numbers).size, numbers.length, 'every order is a new one');

    const first = send('careem', '--source', 'careem', '--id', 'CR555000111');
    const repeat = send('careem', '--source', 'careem', '--id', 'CR555000111');
    assert.doesNotMatch(first.stdout, /"duplicate":true/);
    assert.match(repeat.stdout, /"duplicate":true/);
    await eventually(() => orders().some((l) => l.startsWith('order CAREEM-555000111 ')), 20_000);
  });
});
