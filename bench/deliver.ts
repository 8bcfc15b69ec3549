/**
 * npm run bench:deliver [-- --events 20000 --concurrency 64 --rate 1000 --seconds 5 --warmup 1
 *                          --store sqlite|postgres --destination http|redis|nats|rabbitmq
 *                          --ordering 1000 --rounds 3]
 *
 * 1. Raw undici (low-level dispatch): POSTs of the same 1 KiB body to a keep-alive sink (own
 *    process), as fast as `concurrency` requests in flight allow: the ceiling for any HTTP client
 *    here.
 * 2. Hookgate: `events` events already stored (SQLite with fsync on, or PostgreSQL at
 *    DATABASE_URL, default the local `test` database), then the dispatcher delivers them to the
 *    same sink: deliveries/s, and the ratio to raw undici.
 * 3. Latency: a gateway on the same engine takes signed webhooks at a steady `rate`/s for
 *    `warmup` seconds (not counted: connections opening and a cold JIT made the first second's
 *    latencies 50–150 ms) and then `seconds` more; the sink notes each arrival;
 *    received→delivered p50/p99 of the counted ones.
 *
 * With `--ordering K`, phase 2 runs twice per round, interleaved: ordering off, then on (the route
 * orders by `json:order_id`, the events spread over K keys in turn, so each key holds
 * events/K of them in order); `--rounds R` repeats both and prints each and the medians.
 *
 * With `--destination redis|nats|rabbitmq` (the local servers, or REDIS_URL, NATS_URL,
 * RABBITMQ_URL): phase 1 is the raw client (ioredis XADD, JetStream publish, confirmed AMQP
 * publish) sending the same envelope bytes with as many in flight, phase 2 the dispatcher
 * delivering to that type, and there is no latency phase (its sink is HTTP).
 *
 * Phases 2 and 3 each get a fresh database: a SQLite file, or a PostgreSQL schema of their own,
 * dropped at the end of the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Agent, request } from 'undici';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/load.ts';
import { systemClock } from '../src/domain/clock.ts';
import { newId } from '../src/domain/ids.ts';
import { createLogger } from '../src/log.ts';
import { envelope } from '../src/destinations/envelope.ts';
import { RouteTable } from '../src/routing/route-table.ts';
import { brokerBench, type BrokerBench, type BrokerType } from './brokers.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { NewEvent, Store } from '../src/store/store.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    store: { type: 'string', default: 'sqlite' },
    destination: { type: 'string', default: 'http' },
    ordering: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '1' },
  },
});
const destinationType = values.destination;
if (!['http', 'redis', 'nats', 'rabbitmq'].includes(destinationType)) {
  throw new Error(`--destination ${destinationType}: use http, redis, nats or rabbitmq`);
}
if (values.store !== 'sqlite' && values.store !== 'postgres') {
  throw new Error(`--store ${values.store}: use sqlite or postgres`);
}
const engine = values.store;
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const events = Number(values.events);
const concurrency = Number(values.concurrency);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const orderingKeys = Number(values.ordering);
const rounds = Number(values.rounds);
const root = new URL('../', import.meta.url).pathname;
const body = Buffer.from(JSON.stringify({ order_id: 'bench', pad: 'x'.repeat(1000) }));
const secret = randomBytes(32).toString('hex');

function startSink(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sink-server.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(d.toString());
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
}

/**
 * The ceiling: undici's low-level dispatch (what the dispatcher's sender uses) with nothing else,
 * reading each answer to its end.
 */
async function rawUndici(url: string): Promise<number> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const { origin } = new URL(url);
  const post = () =>
    new Promise<void>((resolve, reject) =>
      agent.dispatch(
        {
          origin,
          path: '/raw',
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        },
        {
          onRequestStart: () => undefined,
          onResponseEnd: () => resolve(),
          onResponseError: (_c, err) => reject(err),
        },
      ),
    );
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < events) {
        sent++;
        await post();
      }
    }),
  );
  const perSecond = events / ((performance.now() - started) / 1000);
  await agent.close();
  return perSecond;
}

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(text);
  await client.end();
}

/** PostgreSQL schemas this run created, dropped at the end. */
const schemas: string[] = [];
/** Phases run so far (each gets a store of its own). */
let run = 0;

/**
 * A fresh, migrated store for one phase: a SQLite file in its own folder, or a PostgreSQL schema
 * of its own (`hg_bench_<pid>_<phase>`). `url` is what the gateway's config would name.
 */
async function openBenchStore(phase: string): Promise<{ store: Store; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `hookgate-bench-${phase}-`));
  if (engine === 'sqlite') {
    const dbFile = join(dir, `${phase}.db`);
    const store = new SqliteStore({ path: dbFile });
    await store.migrate();
    return { store, url: `sqlite:${dbFile}`, dir };
  }
  const schema = `hg_bench_${process.pid}_${phase}`;
  schemas.push(schema);
  await sql(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const store = new PostgresStore({ connectionString: postgresUrl, schema });
  await store.migrate();
  const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return { store, url, dir };
}

/** The destination the gateway delivers to: the HTTP sink, or a broker. */
let brokerDestination: Record<string, unknown> | undefined;

function config(sinkUrl: string, storageUrl: string, dir: string, ordered = false) {
  return parseConfig(
    JSON.stringify({
      storage: { url: storageUrl },
      delivery: { concurrency, pollInterval: '1s' },
      sources: [{ name: 'bench', provider: 'generic-hmac', secrets: [secret] }],
      destinations: [{ name: 'sink', url: `${sinkUrl}/deliver`, ...brokerDestination }],
      routes: [
        {
          source: 'bench',
          destination: 'sink',
          ...(ordered ? { ordering: { key: 'json:order_id' } } : {}),
        },
      ],
    }),
    { file: 'bench', env: {}, dataDir: dir },
  ).config;
}

/**
 * Stores `events` events, then lets the dispatcher deliver them. `keys` > 0: the route orders by
 * `json:order_id` and event i belongs to key i % keys; the deliveries are made by the route table,
 * as ingress makes them.
 */
async function hookgateThroughput(sinkUrl: string, keys = 0): Promise<number> {
  const { store, url, dir } = await openBenchStore(keys > 0 ? `ordered${run}` : `deliver${run}`);
  run += 1;
  const cfg = config(sinkUrl, url, dir, keys > 0);
  const routes = new RouteTable(cfg);
  const bodies = Array.from({ length: Math.max(1, keys) }, (_, k) =>
    keys > 0 ? Buffer.from(JSON.stringify({ order_id: `k-${k}`, pad: 'x'.repeat(1000) })) : body,
  );
  for (let i = 0; i < events; i += 1000) {
    const batch: NewEvent[] = Array.from({ length: Math.min(1000, events - i) }, (_, j) => {
      const id = newId('evt');
      const eventBody = bodies[(i + j) % bodies.length] as Buffer;
      return {
        id,
        source: 'bench',
        provider: 'generic-hmac',
        providerEventId: null,
        eventType: null,
        dedupeKey: null,
        dedupeUntil: 0,
        requestId: id,
        clientIp: '127.0.0.1',
        method: 'POST',
        url: '/webhooks/bench',
        headers: { 'content-type': 'application/json' },
        body: eventBody,
        receivedAt: Date.now(),
        deliveries: routes.deliveriesFor('bench', {
          eventId: undefined,
          eventType: undefined,
          headers: {},
          body: () => JSON.parse(eventBody.toString()) as unknown,
        }),
      };
    });
    await store.eventInsertBatch({ events: batch });
  }
  const app = buildApp({
    config: cfg,
    store,
    clock: systemClock,
    logger: createLogger('warn'),
  });
  if (!(await app.destinations.whenConnected(10_000))) throw new Error('destination not connected');
  // The sink counts every event it ever got: this phase's are those beyond what it had.
  const sinkCount = async () =>
    brokerDestination === undefined
      ? ((await (await request(`${sinkUrl}/count`)).body.json()) as number)
      : 0;
  const before = await sinkCount();
  const started = performance.now();
  app.dispatcher.start();
  // The end of the run: the sink's count (a request to another process) is watched closely; the
  // database, whose count is a scan competing with the dispatcher, once a second until the sink
  // has everything, then closely until every record is committed.
  let lastDbCheck = performance.now();
  for (;;) {
    const arrived = (await sinkCount()) - before;
    if (arrived >= events || performance.now() - lastDbCheck >= 1000) {
      lastDbCheck = performance.now();
      const counts = await store.deliveryCountByState();
      if (counts.delivered + counts.dead >= events) {
        if (counts.dead > 0) throw new Error(`${counts.dead} deliveries went dead`);
        break;
      }
    }
    await new Promise((r) => setTimeout(r, arrived >= events ? 5 : 20));
  }
  const perSecond = events / ((performance.now() - started) / 1000);
  await app.drain(1000);
  await store.close();
  return perSecond;
}

async function latency(sinkUrl: string): Promise<{ p50: number; p99: number; count: number }> {
  const { store, url, dir } = await openBenchStore(`latency${run++}`);
  const app = buildApp({
    config: config(sinkUrl, url, dir),
    store,
    clock: systemClock,
    logger: createLogger('warn'),
  });
  const address = await app.http.listen({ host: '127.0.0.1', port: 0 });
  app.dispatcher.start();
  // Enough connections that requests never wait in the client: with 16, answers taking ~16 ms
  // under load capped it below the rate, and the queue it built (0.3–1.4 s) was what got measured.
  const agent = new Agent({ connections: 64 });
  const sentAt = new Map<string, number>();
  const warmupCount = rate * warmup;
  const total = warmupCount + rate * seconds;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    // A steady rate: request i leaves at i / rate seconds.
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const payload = JSON.stringify({ order_id: `L-${i}`, pad: 'x'.repeat(1000) });
    const at = performance.timeOrigin + performance.now();
    inFlight.push(
      request(`${address}/webhooks/bench`, {
        method: 'POST',
        dispatcher: agent,
        body: payload,
        headers: {
          'content-type': 'application/json',
          'x-signature': createHmac('sha256', secret).update(payload).digest('hex'),
        },
      }).then(async (res) => {
        const json = (await res.body.json()) as { data: { eventId: string } };
        if (i >= warmupCount) sentAt.set(json.data.eventId, at);
      }),
    );
  }
  await Promise.all(inFlight);
  await new Promise((r) => setTimeout(r, 1000));
  const arrivals = (await (await request(`${sinkUrl}/arrivals`)).body.json()) as Record<
    string,
    number
  >;
  const latencies = [...sentAt]
    .flatMap(([id, at]) => (arrivals[id] === undefined ? [] : [arrivals[id] - at]))
    .sort((a, b) => a - b);
  await agent.close();
  await app.drain(1000);
  await store.close();
  const pick = (q: number) =>
    Number(
      (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN).toFixed(
        2,
      ),
    );
  return { p50: pick(0.5), p99: pick(0.99), count: latencies.length };
}

/** The envelope a broker destination publishes for one of the bench's events. */
function brokerMessage(): Buffer {
  const id = newId('evt');
  return envelope({
    event: {
      id,
      source: 'bench',
      provider: 'generic-hmac',
      providerEventId: null,
      eventType: null,
      requestId: id,
      clientIp: '127.0.0.1',
      method: 'POST',
      url: '/webhooks/bench',
      headers: { 'content-type': 'application/json' },
      body,
      receivedAt: Date.now(),
      duplicateCount: 0,
      lastDuplicateAt: null,
      tenant: 'default',
    },
    id: `${id}.sink`,
    body,
    headers: {},
    transformed: false,
    now: Date.now(),
  });
}

const sink = await startSink();
let broker: BrokerBench | undefined;
try {
  if (destinationType !== 'http') {
    broker = await brokerBench(destinationType as BrokerType);
    brokerDestination = broker.destination;
    const raw = await broker.raw(brokerMessage(), events, concurrency);
    const hookgate = await hookgateThroughput(sink.url);
    process.stdout.write(
      [
        `deliver bench: ${events} events, ${concurrency} in flight, 1 KiB bodies, node ${process.version}`,
        `${`raw ${destinationType} client`.padEnd(31)}${raw.toFixed(0).padStart(8)} msg/s`,
        `${`hookgate to ${destinationType} (${engine})`.padEnd(31)}${hookgate.toFixed(0).padStart(8)} deliveries/s   ratio ${(hookgate / raw).toFixed(2)}x`,
        '',
      ].join('\n'),
    );
  } else {
    const raw = await rawUndici(sink.url);
    // Rounds interleave ordering off and on, so the machine's drift touches both alike.
    const off: number[] = [];
    const on: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      off.push(await hookgateThroughput(sink.url));
      if (orderingKeys > 0) on.push(await hookgateThroughput(sink.url, orderingKeys));
    }
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const hookgate = median(off);
    const list = (xs: number[]) =>
      xs.length > 1 ? `   (rounds: ${xs.map((x) => x.toFixed(0)).join(', ')})` : '';
    const lat = await latency(sink.url);
    const lines = [
      `deliver bench: ${events} events, ${concurrency} in flight, 1 KiB bodies, node ${process.version}`,
      `${'raw undici to the sink'.padEnd(31)}${raw.toFixed(0).padStart(8)} req/s`,
      `${`hookgate dispatcher (${engine})`.padEnd(31)}${hookgate.toFixed(0).padStart(8)} deliveries/s   ratio ${(hookgate / raw).toFixed(2)}x   (goal ${engine === 'postgres' ? '>= 5000/s' : '>= 10000/s, >= 0.5x'})${list(off)}`,
    ];
    if (orderingKeys > 0) {
      const ordered = median(on);
      lines.push(
        `${`  ordered, ${orderingKeys} keys`.padEnd(31)}${ordered.toFixed(0).padStart(8)} deliveries/s   ordering on/off ${(ordered / hookgate).toFixed(2)}x   (goal >= 0.80x)${list(on)}`,
      );
    }
    lines.push(
      `received->delivered (${engine}) at ${rate}/s for ${seconds} s after ${warmup} s: p50 ${lat.p50} ms, p99 ${lat.p99} ms (${lat.count} events; goal p50 < 5 ms)`,
      '',
    );
    process.stdout.write(lines.join('\n'));
  }
} finally {
  sink.child.kill();
  await broker?.close();
  for (const schema of schemas) await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
