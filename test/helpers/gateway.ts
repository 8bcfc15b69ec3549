import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type HookgateApp } from '../../src/app.ts';
import { parseConfig, type LoadedConfig } from '../../src/config/load.ts';
import { ManualClock, type Clock } from '../../src/domain/clock.ts';
import { createLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

export const testNow = Date.UTC(2026, 10, 23, 12, 0, 0);

export interface TestGateway {
  readonly app: HookgateApp;
  readonly store: SqliteStore;
  readonly clock: Clock;
  readonly loaded: LoadedConfig;
  readonly dbFile: string;
  /** Every log line written, parsed. */
  readonly logs: string[];
  close(): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hookgate-test-'));
}

/** A gateway on a real SQLite file in a temp folder, driven with inject(); nothing listens. */
export async function startTestGateway(
  config: object,
  env: Record<string, string> = {},
  clock: Clock = new ManualClock(testNow),
): Promise<TestGateway> {
  const dir = tempDir();
  const loaded = parseConfig(JSON.stringify(config), { file: 'test.yaml', env, dataDir: dir });
  const dbFile = join(dir, 'hookgate.db');
  const store = new SqliteStore({ path: dbFile, busyTimeoutMs: loaded.config.storage.busyTimeout });
  await store.migrate();
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const app = buildApp({ config: loaded.config, store, clock, logger });
  await app.http.ready();
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
    },
  };
}
