import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { request } from 'undici';
import { engineSkipReason, tempDir, testEngines } from '../helpers/gateway.ts';
import { postgresUrl, testSchema } from '../helpers/postgres.ts';
import { signedJsonHeaders, spawnGateway, writeConfig } from '../helpers/process.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const perSecond = 100;
const seconds = 14;

interface Sample {
  readonly second: number;
  readonly events: number;
  readonly deliveries: number;
  readonly attempts: number;
  readonly keys: number;
  /** SQLite: pages in the file (space reused: it stops growing). */
  readonly pages: number;
}

/**
 * Ingest and delivery at a steady 100 webhooks/s for 14 s, with retention of 3 s (dedupe windows
 * of 2 s): the rows of every table level off instead of growing with what was received, and
 * /health says what was pruned and when.
 */
for (const engine of testEngines) {
  describe(
    `retention under a steady load (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const schema = engine === 'postgres' ? testSchema() : undefined;
      after(() => schema?.drop());

      it('row counts level off while webhooks keep coming; /health reports the passes', async (t) => {
        const receiver = new Receiver();
        const url = await receiver.listen();
        const dir = tempDir();
        const dbFile = join(dir, 'hookgate.db');
        const file = writeConfig(dir, {
          storage: { url: schema ? `${postgresUrl}?schema=${schema.name}` : `sqlite:${dbFile}` },
          delivery: { pollInterval: '200ms' },
          retention: {
            events: '3s',
            attempts: '3s',
            deadLetters: '1s',
            interval: '500ms',
            batch: 200,
          },
          sources: [
            {
              name: 'shop',
              provider: 'generic-hmac',
              secrets: [secret],
              options: { eventIdPath: 'id' },
              dedupe: { window: '2s' },
            },
          ],
          destinations: [{ name: 'backend', url: `${url}/backend` }],
          routes: [{ source: 'shop', destination: 'backend' }],
        });
        const gateway = await spawnGateway(file, dir);
        let counts: () => Promise<Omit<Sample, 'second'>>;
        let close: () => Promise<void>;
        if (schema) {
          const client = new pg.Client({ connectionString: postgresUrl });
          await client.connect();
          counts = async () => {
            const { rows } = await client.query<Omit<Sample, 'second'>>(
              `SELECT (SELECT count(*)::int FROM ${schema.name}.events) AS events,
               (SELECT count(*)::int FROM ${schema.name}.deliveries) AS deliveries,
               (SELECT count(*)::int FROM ${schema.name}.attempts) AS attempts,
               (SELECT count(*)::int FROM ${schema.name}.event_dedupe) AS keys, 0 AS pages`,
            );
            return rows[0] as Omit<Sample, 'second'>;
          };
          close = () => client.end();
        } else {
          const db = new Database(dbFile, { readonly: true });
          counts = () =>
            Promise.resolve(
              db
                .prepare(
                  `SELECT (SELECT count(*) FROM events) AS events,
                   (SELECT count(*) FROM deliveries) AS deliveries,
                   (SELECT count(*) FROM attempts) AS attempts,
                   (SELECT count(*) FROM event_dedupe) AS keys,
                   (SELECT page_count FROM pragma_page_count()) AS pages`,
                )
                .get() as Omit<Sample, 'second'>,
            );
          close = async () => {
            db.close();
          };
        }
        const samples: Sample[] = [];
        let sent = 0;
        const loadStarted = Date.now();
        try {
          for (let second = 1; second <= seconds; second++) {
            const started = Date.now();
            for (let tick = 0; tick < 10; tick++) {
              await Promise.all(
                Array.from({ length: perSecond / 10 }, async () => {
                  const body = JSON.stringify({ id: `r-${sent++}`, pad: 'x'.repeat(500) });
                  const res = await request(`${gateway.url}/webhooks/shop`, {
                    method: 'POST',
                    headers: signedJsonHeaders(secret, body),
                    body,
                  });
                  await res.body.dump();
                  assert.equal(res.statusCode, 200);
                }),
              );
              await sleep(Math.max(0, started + (tick + 1) * 100 - Date.now()));
            }
            samples.push({ second, ...(await counts()) });
          }
          const health = (await (await request(`${gateway.url}/health`)).body.json()) as {
            retention: {
              enabled: boolean;
              lastPass: {
                at: number;
                durationMs: number;
                pruned: Record<string, number>;
                error: string | null;
              };
              totals: Record<string, number>;
            };
          };
          const table = samples.map((s) => JSON.stringify(s)).join('\n');
          t.diagnostic(`sent ${sent}; rows each second:\n${table}`);
          // Without retention the tables would hold all `sent` events; with it, about 3–5 s worth.
          const late = samples.slice(-6);
          const middle = samples.slice(5, 8);
          for (const key of ['events', 'deliveries', 'attempts', 'keys'] as const) {
            const lateMax = Math.max(...late.map((s) => s[key]));
            const middleMax = Math.max(...middle.map((s) => s[key]));
            assert.ok(lateMax <= middleMax * 1.3 + 50, `${key} keeps growing:\n${table}`);
            assert.ok(lateMax < sent * 0.6, `${key}: ${lateMax} of ${sent} kept:\n${table}`);
          }
          if (!schema) {
            const pages = samples.map((s) => s.pages);
            assert.ok(
              (pages.at(-1) as number) <= (pages[7] as number) * 1.3,
              `the SQLite file keeps growing (freed pages are not reused):\n${table}`,
            );
          }
          assert.equal(health.retention.enabled, true);
          assert.equal(health.retention.lastPass.error, null);
          // A pass ran during the load (not only the one at start-up).
          assert.ok(health.retention.lastPass.at >= loadStarted, JSON.stringify(health.retention));
          assert.ok(
            (health.retention.totals.events ?? 0) > sent * 0.4,
            JSON.stringify(health.retention),
          );
          assert.ok(
            (health.retention.totals.dedupeKeys ?? 0) > 0,
            JSON.stringify(health.retention),
          );
          assert.equal(
            receiver.at('/backend').length >= sent - perSecond,
            true,
            'delivery kept up',
          );
          // The same passes as metrics.
          const scraped = await (await request(`${gateway.url}/metrics`)).body.text();
          const sample = (line: string) =>
            Number(new RegExp(`^${line} (\\S+)$`, 'm').exec(scraped)?.[1] ?? 'NaN');
          assert.ok(sample('hookgate_retention_pruned_total\\{kind="events"\\}') > 0, scraped);
          assert.ok(sample('hookgate_retention_last_pass_timestamp_seconds') > 0);
          assert.ok(sample('hookgate_dedupe_swept_keys_total') > 0);
        } finally {
          await close();
          gateway.child.kill('SIGTERM');
          await gateway.exited;
          await receiver.close();
        }
      });
    },
  );
}
