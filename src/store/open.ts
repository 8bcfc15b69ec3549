import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export class StoreUrlError extends Error {}

/**
 * `sqlite:./data/hookgate.db` (relative to the working directory), `sqlite:/abs/path.db`,
 * `sqlite::memory:`. PostgreSQL URLs are recognised and refused until that engine lands.
 */
export function openStore(
  url: string,
  options: { busyTimeoutMs?: number; onWarning?: (message: string) => void } = {},
): Store {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '')
      throw new StoreUrlError('sqlite URL needs a file path, e.g. sqlite:./data/hookgate.db');
    return new SqliteStore({ path, ...options });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new StoreUrlError(
      'the PostgreSQL engine is not available in this version; use sqlite:<file>',
    );
  }
  throw new StoreUrlError(`unsupported storage URL scheme: ${url.split(':')[0] ?? ''}`);
}
