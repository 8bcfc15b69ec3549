/**
 * npm run bench:search [-- --store sqlite|postgres --events 1000000 --runs 5
 *                         --keep <sqlite file | postgres schema>]
 *
 * Fills a store with `events` webhooks spread over 30 days (8 sources, ~40 event types, JSON
 * bodies of ~400 bytes with names, e-mails, order ids and words; one or two deliveries each, most
 * delivered, some dead, retrying, held or pending), indexes their bodies for text search, then
 * times the first page (50 events) of each filter the admin API offers, and the count. Each figure
 * is the median of `runs`; the baseline, measured in the same run, is one event read by its id.
 *
 * The fill goes through the store's own batch insert (dedupe keys and deliveries included), so
 * the indexes are the ones ingest maintains. With --keep the filled store is kept (and reused when
 * it is already there): a SQLite file path, or a PostgreSQL schema name.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { newId } from '../src/domain/ids.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { EventFilter, NewEvent, Store } from '../src/store/store.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    events: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    keep: { type: 'string' },
  },
});
if (values.store !== 'sqlite' && values.store !== 'postgres')
  throw new Error(`--store ${values.store}: use sqlite or postgres`);
const engine = values.store;
const total = Number(values.events);
const runs = Number(values.runs);
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const day = 86_400_000;
const end = Date.UTC(2026, 10, 1);
const start = end - 30 * day;

/** A small deterministic generator (mulberry32): the same data on both engines. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(17);
/** Skewed pick: the first items far more often (roughly Zipf). */
const pick = <T>(list: readonly T[]): T =>
  list[Math.min(list.length - 1, Math.floor(list.length * rnd() ** 2.5))] as T;

const sources = [
  {
    name: 'shop',
    provider: 'shopify',
    types: ['orders/create', 'orders/updated', 'orders/paid', 'refunds/create', 'customers/create'],
  },
  {
    name: 'payments',
    provider: 'stripe',
    types: [
      'payment_intent.succeeded',
      'charge.succeeded',
      'invoice.paid',
      'invoice.payment_failed',
      'charge.refunded',
      'customer.subscription.updated',
    ],
  },
  {
    name: 'talabat',
    provider: 'talabat',
    types: ['order.created', 'order.status.updated', 'order.cancelled'],
  },
  {
    name: 'careem',
    provider: 'careem',
    types: ['order.created', 'order.updated', 'order.delivered', 'order.cancelled'],
  },
  {
    name: 'github',
    provider: 'github',
    types: [
      'push',
      'pull_request.opened',
      'pull_request.closed',
      'issues.opened',
      'workflow_run.completed',
    ],
  },
  {
    name: 'crm',
    provider: 'standard-webhooks',
    types: ['contact.created', 'contact.updated', 'deal.won', 'deal.lost'],
  },
  {
    name: 'billing',
    provider: 'paddle',
    types: ['transaction.completed', 'subscription.created', 'subscription.canceled'],
  },
  { name: 'alerts', provider: 'generic-hmac', types: ['alert.fired', 'alert.resolved'] },
];
const destinations = ['backend', 'analytics', 'crm-sync', 'warehouse', 'audit'];
const first = [
  'john',
  'maria',
  'ahmad',
  'fatima',
  'li',
  'sara',
  'omar',
  'noor',
  'david',
  'lina',
  'yusuf',
  'emma',
  'rami',
  'hana',
  'karim',
  'zeina',
];
const last = [
  'smith',
  'haddad',
  'khalil',
  'nasser',
  'garcia',
  'chen',
  'saleh',
  'muller',
  'rossi',
  'abbas',
  'mansour',
  'jones',
];
const words = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}x`);

function makeEvent(i: number): NewEvent {
  const source = pick(sources);
  const type = pick(source.types);
  const name = `${pick(first)} ${pick(last)}`;
  const note = Array.from({ length: 6 }, () => pick(words)).join(' ');
  const id = newId('evt');
  const body = JSON.stringify({
    id: `pe_${i}`,
    type,
    order_id: `ord_${i}`,
    customer: { name, email: `${name.replace(' ', '.')}@example.com` },
    amount: Math.floor(rnd() * 100000) / 100,
    currency: pick(['JOD', 'USD', 'EUR', 'AED']),
    note,
    items: [{ sku: `sku-${Math.floor(rnd() * 5000)}`, qty: 1 + Math.floor(rnd() * 3) }],
  });
  const receivedAt = start + Math.floor(((end - start) * i) / total);
  const deliveryCount = rnd() < 0.2 ? 2 : 1;
  return {
    id,
    source: source.name,
    provider: source.provider,
    providerEventId: `pe_${i}`,
    eventType: type,
    dedupeKey: `pe_${i}`,
    dedupeUntil: receivedAt + 7 * day,
    requestId: `req-${i}`,
    clientIp: '203.0.113.7',
    method: 'POST',
    url: `/webhooks/${source.name}`,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body),
    receivedAt,
    deliveries: Array.from({ length: deliveryCount }, (_, k) => ({
      id: newId('dlv'),
      route: `${source.name}->${destinations[(i + k) % destinations.length]}`,
      destination: destinations[(i + k) % destinations.length] as string,
    })),
  };
}

async function fill(store: Store, exec: (sql: string) => Promise<void>): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < total; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - i) }, (_, k) => makeEvent(i + k));
    await store.eventInsertBatch({ events: batch });
    if (i % 100_000 === 0) process.stdout.write(`  filled ${i}\n`);
  }
  const filled = performance.now();
  // Outcomes: most delivered, some dead (with errors), retrying, skipped; the last hour pending.
  await exec(`UPDATE deliveries SET state = CASE
      WHEN created_at > ${end - 3_600_000} THEN 'pending'
      WHEN abs(hashtext_or_hash(id)) % 1000 < 20 THEN 'dead'
      WHEN abs(hashtext_or_hash(id)) % 1000 < 25 THEN 'retry'
      WHEN abs(hashtext_or_hash(id)) % 1000 < 30 THEN 'skipped'
      ELSE 'delivered' END`);
  await exec(`UPDATE deliveries SET last_error = 'HTTP 503', error_class = 'temporary',
      dead_reason = 'exhausted' WHERE state = 'dead'`);
  const states = performance.now();
  let indexed = 0;
  for (;;) {
    const n = await store.searchIndexCatchUp({ limit: 2000 });
    if (n === 0) break;
    indexed += n;
  }
  const done = performance.now();
  process.stdout.write(
    `  fill: ${total} events in ${((filled - t0) / 1000).toFixed(1)} s (${Math.round(total / ((filled - t0) / 1000))}/s through eventInsertBatch), states ${((states - filled) / 1000).toFixed(1)} s, body index ${indexed} in ${((done - states) / 1000).toFixed(1)} s (${Math.round(indexed / ((done - states) / 1000))}/s)\n`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function time(work: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

async function main(): Promise<void> {
  let store: Store;
  let exec: (sql: string) => Promise<void>;
  let cleanup = async () => undefined as unknown;
  let fresh: boolean;
  if (engine === 'sqlite') {
    const file = values.keep ?? join(mkdtempSync(join(tmpdir(), 'hookgate-search-')), 'search.db');
    fresh = !existsSync(file);
    const sqlite = new SqliteStore({ path: file });
    store = sqlite;
    // The hash for outcomes: SQLite has none built in; the id's last hex digits serve.
    exec = async (sql) => {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(file);
      db.function('hashtext_or_hash', (id: string) => parseInt(id.slice(-6), 16));
      db.exec(sql);
      db.close();
    };
  } else {
    const schema = values.keep ?? `hg_bench_search_${process.pid}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    fresh =
      (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 0;
    store = new PostgresStore({ connectionString: postgresUrl, schema });
    exec = async (sql) => {
      await admin.query(`SET search_path = ${schema}`);
      await admin.query(sql.replaceAll('hashtext_or_hash(id)', 'hashtext(id)'));
    };
    cleanup = async () => {
      if (values.keep === undefined) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    };
  }
  await store.migrate();
  process.stdout.write(
    `search bench (${engine}): ${fresh ? 'filling' : 'reusing'} ${total} events\n`,
  );
  if (fresh) await fill(store, exec);
  // What an operator's database has after a while: statistics for the planner.
  await exec(engine === 'sqlite' ? 'PRAGMA optimize=0x10002' : 'VACUUM ANALYZE');

  const some = (await store.eventSearch({ filter: {}, limit: 1 })).events[0];
  if (!some) throw new Error('empty store');
  const mid = start + 15 * day;
  const filters: [string, EventFilter][] = [
    ['no filter', {}],
    ['source (common)', { source: 'shop' }],
    ['source (rare)', { source: 'alerts' }],
    ['provider', { provider: 'stripe' }],
    ['type (common)', { eventType: 'orders/create' }],
    ['type (rare)', { eventType: 'subscription.canceled' }],
    ['type prefix (common)', { eventTypePrefix: 'order' }],
    ['type prefix (rare)', { eventTypePrefix: 'deal.' }],
    ['provider event id', { providerEventId: `pe_${Math.floor(total / 3)}` }],
    ['request id', { requestId: `req-${Math.floor(total / 2)}` }],
    ['received: one hour, 15 days ago', { since: mid, until: mid + 3_600_000 }],
    ['received: before 20 days ago', { until: start + 10 * day }],
    ['state dead', { state: 'dead' }],
    ['state delivered', { state: 'delivered' }],
    ['destination', { destination: 'warehouse' }],
    ['state dead + destination', { state: 'dead', destination: 'audit' }],
    [
      'source + type + one day',
      { source: 'payments', eventType: 'invoice.paid', since: mid, until: mid + day },
    ],
    ['q: common word', { q: 'haddad' }],
    ['q: an order id (one event)', { q: `ord_${Math.floor(total / 4)}` }],
    ['q: a name, phrase', { q: 'fatima khalil' }],
    ['q: rare word + source', { q: words[1999], source: 'github' }],
    ['q + state dead', { q: 'smith', state: 'dead' }],
    ['q: no match', { q: 'zzzznotthere' }],
  ];
  const baseline = await time(() => store.eventGet({ id: some.id }));
  const rows: string[] = [];
  for (const [name, filter] of filters) {
    let found = 0;
    const page = await time(async () => {
      found = (await store.eventSearch({ filter, limit: 50 })).events.length;
    });
    // The tenth page: nine cursors followed first (not timed), then the tenth timed.
    let cursor: string | undefined;
    for (let i = 0; i < 9; i++) {
      const p = await store.eventSearch({
        filter,
        limit: 50,
        ...(cursor ? { before: cursor } : {}),
      });
      cursor = p.next ?? undefined;
      if (!cursor) break;
    }
    const deep = cursor
      ? await time(() => store.eventSearch({ filter, limit: 50, before: cursor }))
      : undefined;
    let counted = '';
    const count = await time(async () => {
      const c = await store.eventSearchCount({ filter, cap: 10_000 });
      counted = `${c.exact ? '' : '≥'}${c.count}`;
    });
    rows.push(
      `${name.padEnd(34)} ${page.toFixed(2).padStart(8)} ms ${(deep === undefined ? '—' : `${deep.toFixed(2)} ms`).padStart(11)} ${count.toFixed(2).padStart(8)} ms  ${String(found).padStart(3)} rows  count ${counted}`,
    );
  }
  process.stdout.write(
    [
      `baseline: one event by id ${baseline.toFixed(3)} ms (median of ${runs})`,
      `${'filter'.padEnd(34)} ${'page 1'.padStart(11)} ${'page 10'.padStart(11)} ${'count'.padStart(11)}`,
      ...rows,
      '',
    ].join('\n'),
  );
  await store.close();
  await cleanup();
}

await main();
