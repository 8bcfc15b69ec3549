import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type HookgateApp } from '../../src/app.ts';
import { parseConfig, type LoadedConfig } from '../../src/config/load.ts';
import { ManualClock, type Clock } from '../../src/domain/clock.ts';
import { createLogger } from '../../src/log.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { postgresSkipReason, postgresUrl, testSchema } from './postgres.ts';
import { signedJsonHeaders } from './process.ts';

export const testNow = Date.UTC(2026, 10, 23, 12, 0, 0);

export interface TestGateway {
  readonly app: HookgateApp;
  readonly store: Store;
  readonly clock: Clock;
  readonly loaded: LoadedConfig;
  /** The SQLite file (sqlite engine only). */
  readonly dbFile: string;
  /** Every log line written, parsed. */
  readonly logs: string[];
  close(): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hookgate-test-'));
}

export type TestEngine = 'sqlite' | 'postgres';
export const testEngines: readonly TestEngine[] = ['sqlite', 'postgres'];

/**
 * `storage.url` of a spawned gateway: the schema's on PostgreSQL (`testSchema()`), else a SQLite
 * file in `dir`.
 */
export function storageUrl(schema: { name: string } | undefined, dir: string): string {
  return schema ? `${postgresUrl}?schema=${schema.name}` : `sqlite:${join(dir, 'hookgate.db')}`;
}

/** Why an engine's suite is skipped here (PostgreSQL down outside CI), or false. */
export function engineSkipReason(engine: TestEngine): Promise<string | false> {
  return engine === 'postgres' ? postgresSkipReason() : Promise.resolve(false);
}

/**
 * A gateway driven with inject() (nothing listens) on a real store: a SQLite file in a temp
 * folder, or a PostgreSQL schema of its own (dropped at close). `config` is an object, or the
 * YAML text of a config file.
 */
export async function startTestGateway(
  config: object | string,
  env: Record<string, string> = {},
  clock: Clock = new ManualClock(testNow),
  engine: TestEngine = 'sqlite',
): Promise<TestGateway> {
  const dir = tempDir();
  const text = typeof config === 'string' ? config : JSON.stringify(config);
  const loaded = parseConfig(text, { file: 'test.yaml', env, dataDir: dir });
  const dbFile = join(dir, 'hookgate.db');
  const schema = engine === 'postgres' ? testSchema() : undefined;
  const store: Store = schema
    ? new PostgresStore({ connectionString: postgresUrl, schema: schema.name, poolSize: 4 })
    : new SqliteStore({ path: dbFile, busyTimeoutMs: loaded.config.storage.busyTimeout });
  await store.migrate();
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const app = buildApp({ config: loaded.config, store, clock, logger });
  await app.http.ready();
  // With REDIS_URL in `env` the gateway shares its limits and breakers: start connected.
  if (app.redis && !(await app.redis.whenReady(5000))) throw new Error('Redis did not connect');
  return {
    app,
    store,
    clock,
    loaded,
    dbFile,
    logs,
    async close() {
      await app.drain();
      await store.close();
      await schema?.drop();
    },
  };
}

/** Posts a JSON body signed the generic-HMAC way to a source (through inject: nothing listens). */
export function postSigned(
  gw: TestGateway,
  secret: string,
  body: string,
  path = '/webhooks/orders',
) {
  return gw.app.http.inject({
    method: 'POST',
    url: path,
    payload: body,
    headers: signedJsonHeaders(secret, body),
  });
}
