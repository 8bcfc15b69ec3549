import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export class StoreUrlError extends Error {}

/**
 * `sqlite:./data/hookgate.db` (relative to the working directory), `sqlite:/abs/path.db`,
 * `sqlite::memory:`, or `postgres://user@host:5432/db` (pg pool of `poolSize` connections).
 */
export function openStore(
  url: string,
  options: {
    busyTimeoutMs?: number;
    poolSize?: number;
    onWarning?: (message: string) => void;
  } = {},
): Store {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '')
      throw new StoreUrlError('sqlite URL needs a file path, e.g. sqlite:./data/hookgate.db');
    return new SqliteStore({ path, ...options });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return new PostgresStore({ connectionString: url, poolSize: options.poolSize ?? 10 });
  }
  throw new StoreUrlError(`unsupported storage URL scheme: ${url.split(':')[0] ?? ''}`);
}
