import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { storeContract } from './store-contract.ts';

storeContract('sqlite (file, WAL)', async () => {
  const store = new SqliteStore({
    path: join(mkdtempSync(join(tmpdir(), 'hookgate-')), 'contract.db'),
  });
  await store.migrate();
  return store;
});
