import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for the CLI: no colours, nor a token or URL from the caller's shell. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.ADMIN_TOKEN;
  delete base.HOOKGATE_URL;
  delete base.NO_COLOR;
  return { ...base, ...env };
}

/** Runs `hookgate …` as a process to its end (asynchronously: the test's servers keep answering). */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const cli = startCli(args, env);
  const status = await cli.exited;
  return { status, stdout: cli.stdout(), stderr: cli.stderr() };
}

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
  /** Ctrl-C, and its exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running `hookgate …` (tail, listen). */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  // 'close': the exit code once every byte it printed has been read.
  const exited = once(child, 'close').then(([code]) => code as number | null);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
