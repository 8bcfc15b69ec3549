import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export class StoreUrlError extends Error {}

/** The storage URL as it may be printed: a password is replaced by `***`. */
export function displayStoreUrl(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * `sqlite:./data/hookgate.db` (relative to the working directory), `sqlite:/abs/path.db`,
 * `sqlite::memory:`, or `postgres://user@host:5432/db[?schema=name]` (pg pool of `poolSize`
 * connections; tables in `schema`, default public, created if missing).
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
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    return new PostgresStore({
      connectionString: parsed.toString(),
      poolSize: options.poolSize ?? 10,
      ...(schema === undefined ? {} : { schema }),
    });
  }
  throw new StoreUrlError(`unsupported storage URL scheme: ${url.split(':')[0] ?? ''}`);
}
