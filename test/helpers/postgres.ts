import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';

export const postgresUrl =
  process.env.HOOKGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. Outside CI a missing server skips the PostgreSQL tests with this
 * reason; in CI (CI=true) the tests run anyway and fail, as a missing service must.
 */
export async function postgresSkipReason(): Promise<string | false> {
  if (process.env.CI === 'true') return false;
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return false;
  } catch (err) {
    return `PostgreSQL not reachable at ${postgresUrl}: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema of its own for one test file, dropped by the returned function. */
export function testSchema(): { name: string; drop: () => Promise<void> } {
  const name = `hg_test_${randomBytes(6).toString('hex')}`;
  return {
    name,
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    },
  };
}

const cluster = () => readdirSync('/etc/postgresql')[0] ?? '15';

/** Stops the local PostgreSQL server (fast: open sessions are cut), as an outage would. */
export function postgresStop(): void {
  execFileSync('pg_ctlcluster', [
    '--skip-systemctl-redirect',
    cluster(),
    'main',
    'stop',
    '-m',
    'fast',
  ]);
}

/** Starts it again and waits until it accepts connections. */
export function postgresStart(): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', cluster(), 'main', 'start']);
  execFileSync('sh', [
    '-c',
    'for i in $(seq 1 60); do pg_isready -h 127.0.0.1 -q && exit 0; sleep 0.5; done; exit 1',
  ]);
}
