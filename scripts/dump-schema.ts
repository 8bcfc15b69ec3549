/**
 * npm run db:schema
 *
 * Migrates a fresh throwaway schema on the local PostgreSQL (HOOKGATE_TEST_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/test, as the tests), writes its normalized text to
 * src/store/postgres/schema.sql, and drops the schema. Run it after adding or changing a migration.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { dumpSchema, schemaFileHeader } from '../src/store/postgres/schema-dump.ts';

const url = process.env.HOOKGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const target = fileURLToPath(new URL('../src/store/postgres/schema.sql', import.meta.url));
const schema = `hg_schema_dump_${randomBytes(6).toString('hex')}`;

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const store = new PostgresStore({ connectionString: url, schema });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  writeFileSync(target, schemaFileHeader + (await dumpSchema(client, schema)));
  process.stdout.write(`wrote ${target}\n`);
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
