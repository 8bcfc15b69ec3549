/**
 * npm run bench:telemetry [-- --webhooks 200000]
 *
 * The CPU one webhook's telemetry costs, measured in this process (CPU time, so it does not move
 * with the machine's load as req/s does): the events ingest emits for one stored webhook
 * (received, verified, deduped, committed, stored, http.responded), emitted to nobody, to the
 * Prometheus subscriber, and to the tracer at 100 % sampling (its spans exported over OTLP/HTTP
 * to a sink in this process, the export's CPU included). The baseline in the same run is the
 * same loop with nobody listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Metrics } from '../src/observe/metrics.ts';
import { QueueView } from '../src/observe/queue-view.ts';
import { Tracing } from '../src/observe/tracing.ts';
import { systemClock } from '../src/domain/clock.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { Telemetry, telemetryNow, type TraceCarrier } from '../src/telemetry/events.ts';

const { values } = parseArgs({ options: { webhooks: { type: 'string', default: '200000' } } });
const webhooks = Number(values.webhooks);

/** The events of one stored webhook, as ingest and the HTTP hook emit them. */
function oneWebhook(t: Telemetry, i: number): void {
  const trace: TraceCarrier = { traceparent: null };
  const at = telemetryNow();
  const source = 'bench';
  t.emit('webhook.received', {
    source,
    provider: 'generic-hmac',
    requestId: `req-${i}`,
    incoming: undefined,
    at,
    trace,
  });
  t.emit('webhook.verified', { source, ok: true, startedAt: at, endedAt: at + 0.05, trace });
  t.emit('webhook.deduped', { source, keyed: true, startedAt: at, endedAt: at + 0.01, trace });
  t.emit('webhook.committed', { source, ok: true, startedAt: at, endedAt: at + 2, trace });
  t.emit('webhook.stored', {
    source,
    provider: 'generic-hmac',
    eventId: `evt-${i}`,
    requestId: `req-${i}`,
    handshake: false,
    deliveries: 1,
    durationMs: 2.5,
    trace,
  });
  t.emit('http.responded', {
    method: 'POST',
    route: '/webhooks/:source',
    status: 200,
    durationMs: 2.5,
  });
}

/** CPU µs per webhook over `webhooks` of them, after a warm-up; `settle` runs inside the clock. */
async function measure(t: Telemetry, settle: () => Promise<void> = async () => undefined) {
  for (let i = 0; i < 20_000; i++) oneWebhook(t, i);
  await settle();
  const before = process.cpuUsage();
  for (let i = 0; i < webhooks; i++) {
    oneWebhook(t, i);
    // Let exports and timers run, as between requests.
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / webhooks;
}

async function main(): Promise<void> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();

  const nobody = new Telemetry();
  const withMetrics = new Telemetry();
  const metrics = new Metrics(withMetrics, {
    store,
    queue: new QueueView(store, [], systemClock, 5000),
    breakers: async () => [],
    concurrency: () => ({}),
    connections: () => ({}),
    version: 'bench',
  });
  const withTracing = new Telemetry();
  const tracing = new Tracing(
    {
      endpoint: sinkUrl,
      headers: {},
      sampleRatio: 1,
      serviceName: 'bench',
      exportDelay: 200,
      honourIncoming: true,
    },
    'bench',
  );
  tracing.subscribe(withTracing);

  const rows: [string, number[]][] = [
    ['nobody listening', []],
    ['metrics', []],
    ['tracing 100%', []],
  ];
  // Interleaved, three times, medians.
  for (let round = 0; round < 3; round++) {
    rows[0]?.[1].push(await measure(nobody));
    rows[1]?.[1].push(await measure(withMetrics));
    rows[2]?.[1].push(await measure(withTracing, () => tracing.flush()));
  }
  await metrics.render();
  await tracing.shutdown();
  await store.close();
  sink.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
  process.stdout.write(
    [
      `telemetry CPU per webhook (6 events), ${webhooks} webhooks x 3 interleaved rounds, median, node ${process.version}`,
      ...rows.map(([name, xs]) => `${name.padEnd(18)} ${median(xs).toFixed(2).padStart(7)} µs`),
      '',
    ].join('\n'),
  );
}

await main();
