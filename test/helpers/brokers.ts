import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis.ts';

export const natsUrl = process.env.HOOKGATE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const rabbitUrl =
  process.env.HOOKGATE_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Resolves true once something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`${what} did not start on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Why a broker's suite is skipped here (its server down outside CI), or false. In CI: fail. */
export async function brokerSkipReason(url: string): Promise<string | false> {
  const port = Number(new URL(url).port);
  if (await accepts(port)) return false;
  if (process.env.CI === 'true') throw new Error(`${url} is not reachable (CI needs it)`);
  return `${url} is not reachable`;
}

/** A child process of the test's own, stopped and started again on the same port and data. */
abstract class ThrowawayServer {
  private child: ChildProcess | undefined;
  protected readonly dir = mkdtempSync(join(tmpdir(), 'hookgate-broker-'));

  constructor(readonly port: number) {}

  protected abstract command(): { file: string; args: string[]; env?: Record<string, string> };
  protected abstract readonly bootMs: number;

  async start(): Promise<void> {
    const { file, args, env } = this.command();
    // Its own process group, so that stopping it stops what its start script started.
    this.child = spawn(file, args, {
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, ...env },
    });
    await waitFor(this.port, this.bootMs, file);
  }

  /** Stops it (SIGTERM to its process group, as a server shut down) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
    const deadline = Date.now() + 20_000;
    while (await accepts(this.port)) {
      if (Date.now() > deadline) throw new Error(`server on ${this.port} did not stop`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** nats-server with JetStream, its store in a temp folder (kept across restarts). */
export class ThrowawayNats extends ThrowawayServer {
  protected readonly bootMs = 10_000;

  static async create(): Promise<ThrowawayNats> {
    return new ThrowawayNats(await freePort());
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command() {
    return {
      file: '/usr/sbin/nats-server',
      args: ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir],
    };
  }
}

/**
 * A second RabbitMQ node of the test's own (its own node name, ports, data and log folders, no
 * plugins), so an outage never touches the shared broker. Its data is kept across restarts.
 */
export class ThrowawayRabbit extends ThrowawayServer {
  protected readonly bootMs = 60_000;
  private distPort = 0;

  static async create(): Promise<ThrowawayRabbit> {
    const rabbit = new ThrowawayRabbit(await freePort());
    rabbit.distPort = await freePort();
    writeFileSync(join(rabbit.dir, 'plugins'), '[].');
    return rabbit;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  protected command() {
    return {
      file: '/usr/lib/rabbitmq/bin/rabbitmq-server',
      args: [],
      env: {
        RABBITMQ_NODENAME: `hookgate-test-${this.port}@localhost`,
        RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
        RABBITMQ_NODE_PORT: String(this.port),
        RABBITMQ_DIST_PORT: String(this.distPort),
        RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
        RABBITMQ_LOG_BASE: join(this.dir, 'log'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'plugins'),
        RABBITMQ_CONFIG_FILE: join(this.dir, 'none'),
        RABBITMQ_ADVANCED_CONFIG_FILE: join(this.dir, 'none-advanced.config'),
      },
    };
  }
}
