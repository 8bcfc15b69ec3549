import { createHmac } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

const root = new URL('../../', import.meta.url).pathname;

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process printed so far. */
  output(): string;
  exited: Promise<number | null>;
}

/** Writes a config file into `dir` and returns its path. JSON is valid YAML. */
export function writeConfig(dir: string, config: object): string {
  const file = join(dir, 'hookgate.yaml');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Starts `hookgate serve` as a real process and resolves once it prints its listening URL. */
export async function spawnGateway(
  configFile: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'serve'],
    {
      cwd: root,
      env: {
        ...process.env,
        HOOKGATE_CONFIG: configFile,
        HOOKGATE_DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 20_000);
    const check = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/** Headers of a JSON body signed the generic-HMAC way (hex HMAC-SHA256 in x-signature). */
export function signedJsonHeaders(secret: string, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-signature': createHmac('sha256', secret).update(body).digest('hex'),
  };
}

/**
 * Calls the admin API of a spawned gateway with its token; the answer's JSON typed as `T` (what
 * the route answers, `{success, data}`).
 */
export async function adminCall<T = { data: Record<string, unknown> }>(
  gateway: Pick<GatewayProcess, 'url'>,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: object,
): Promise<{ status: number; json: T }> {
  const res = await request(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, json: (await res.body.json()) as T };
}

/** Posts a signed JSON webhook (generic-HMAC) to a running gateway; its body and stored event id. */
export async function postSignedWebhook(
  gatewayUrl: string,
  source: string,
  secret: string,
  payload: object,
): Promise<{ eventId: string; body: string }> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${gatewayUrl}/webhooks/${source}`, {
    method: 'POST',
    headers: signedJsonHeaders(secret, body),
    body,
  });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  return { eventId: ((await res.json()) as { data: { eventId: string } }).data.eventId, body };
}
