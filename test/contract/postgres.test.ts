import { after } from 'node:test';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresSkipReason, postgresUrl, testSchema } from '../helpers/postgres.ts';
import { storeContract } from './store-contract.ts';

const skip = await postgresSkipReason();
const schema = testSchema();
after(() => (skip ? undefined : schema.drop()));

storeContract(
  'postgres',
  async () => {
    const store = new PostgresStore({ connectionString: postgresUrl, schema: schema.name });
    await store.migrate();
    return store;
  },
  skip,
);
