import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { readMigrations } from '../../src/store/migrations.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { dumpSchema, schemaFileHeader } from '../../src/store/postgres/schema-dump.ts';
import { postgresSkipReason, postgresUrl, testSchema } from '../helpers/postgres.ts';

const committedFile = fileURLToPath(
  new URL('../../src/store/postgres/schema.sql', import.meta.url),
);
const migrations = readMigrations(
  fileURLToPath(new URL('../../src/store/postgres/migrations', import.meta.url)),
);

const skip = await postgresSkipReason();
const stores: PostgresStore[] = [];
after(() => Promise.all(stores.map((s) => s.close())));
const schemas: { drop: () => Promise<void> }[] = [];
after(() => (skip ? undefined : Promise.all(schemas.map((s) => s.drop()))));

/** A fresh schema, dropped after the file (once the stores on it are closed). */
function freshSchema(): string {
  const schema = testSchema();
  schemas.push(schema);
  return schema.name;
}
function openStore(schema: string): PostgresStore {
  const store = new PostgresStore({ connectionString: postgresUrl, schema });
  stores.push(store);
  return store;
}

async function withClient<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const dump = (schema: string) =>
  withClient(async (c) => schemaFileHeader + (await dumpSchema(c, schema)));

const appliedMigrations = (schema: string) =>
  withClient(
    async (c) =>
      (
        await c.query<{ version: number; name: string }>(
          `SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`,
        )
      ).rows,
  );

/** The lines that differ, as `-committed` / `+live`, from a longest-common-subsequence diff. */
function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? (lcs[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lcs[i + 1]?.[j] ?? 0, lcs[i]?.[j + 1] ?? 0);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0)))
      out.push(`+ ${b[j++]}`);
    else out.push(`- ${a[i++]}`);
  }
  return out.join('\n');
}

describe('postgres schema', { skip }, () => {
  const expected = migrations.map((m) => ({ version: m.version, name: m.name }));

  it('the migrations produce the committed src/store/postgres/schema.sql', async () => {
    const schema = freshSchema();
    await openStore(schema).migrate();
    const live = await dump(schema);
    const committed = readFileSync(committedFile, 'utf8');
    if (live !== committed)
      assert.fail(
        'src/store/postgres/schema.sql does not match the schema the migrations produce: a ' +
          'migration changed (or the file was edited). Run `npm run db:schema`, review the ' +
          `diff and commit the file.\n(- committed, + migrations)\n${lineDiff(committed, live)}`,
      );
    assert.deepEqual(await appliedMigrations(schema), expected);
  });

  it('migrating twice changes nothing and records each migration once', async () => {
    const schema = freshSchema();
    const store = openStore(schema);
    await store.migrate();
    const once = await dump(schema);
    await store.migrate();
    assert.equal(await dump(schema), once);
    assert.equal(once, readFileSync(committedFile, 'utf8'));
    assert.deepEqual(await appliedMigrations(schema), expected);
  });

  it('two instances migrating a fresh schema at once leave the same schema, each migration once', async () => {
    // A race loses only sometimes: several fresh schemas make a lost race show up every run.
    const committed = readFileSync(committedFile, 'utf8');
    for (let round = 1; round <= 10; round++) {
      const schema = freshSchema();
      const results = await Promise.allSettled([
        openStore(schema).migrate(),
        openStore(schema).migrate(),
      ]);
      for (const r of results)
        if (r.status === 'rejected')
          assert.fail(
            `round ${round}: migrate() failed while another instance migrated the same fresh ` +
              `schema: ${(r.reason as Error).message}`,
          );
      assert.equal(await dump(schema), committed);
      assert.deepEqual(await appliedMigrations(schema), expected);
    }
  });
});
