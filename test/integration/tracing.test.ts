import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildApp, type HookgateApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { createLogger } from '../../src/log.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { startTestGateway, tempDir, testNow, type TestGateway } from '../helpers/gateway.ts';
import { OtlpReceiver, type ExportedSpan } from '../helpers/otlp.ts';
import { postgresSkipReason, postgresUrl, testSchema } from '../helpers/postgres.ts';
import { signedJsonHeaders } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const providerTrace = randomBytes(16).toString('hex');
const providerSpan = randomBytes(8).toString('hex');

function config(destination: string, otlp: string, tracing: object = {}) {
  return {
    delivery: { pollInterval: '1h' },
    tracing: { endpoint: `${otlp}/v1/traces`, exportDelay: 50, ...tracing },
    sources: [
      {
        name: 'shop',
        provider: 'generic-hmac',
        secrets: [secret],
        options: { eventIdPath: 'id' },
      },
    ],
    destinations: [{ name: 'backend', url: `${destination}/hook` }],
    routes: [{ source: 'shop', destination: 'backend' }],
  };
}

async function post(app: HookgateApp, body: string, headers: Record<string, string> = {}) {
  const res = await app.http.inject({
    method: 'POST',
    url: '/webhooks/shop',
    payload: body,
    headers: { ...signedJsonHeaders(secret, body), ...headers },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data.eventId as string;
}

const parse = (traceparent: string) => {
  const [, traceId, spanId, flags] = traceparent.split('-');
  return { traceId, spanId, flags };
};

/** The one span named `name` in trace `traceId` (fails if there are several). */
function only(spans: readonly ExportedSpan[], name: string, traceId: string): ExportedSpan {
  const found = spans.filter((s) => s.name === name && s.traceId === traceId);
  assert.equal(found.length, 1, `one ${name} span in ${traceId}, got ${found.length}`);
  return found[0] as ExportedSpan;
}

/**
 * Traces from a configuration through the loader, the ingress and the dispatcher, exported by
 * the real OTLP/HTTP exporter to a real receiver on loopback that decodes what it gets.
 */
describe('OpenTelemetry traces, one per event, from ingest to delivery', () => {
  const otlp = new OtlpReceiver();
  const destination = new Receiver();
  let gw: TestGateway;

  before(async () => {
    const [otlpUrl, url] = await Promise.all([otlp.listen(), destination.listen()]);
    gw = await startTestGateway(config(url, otlpUrl));
    gw.app.dispatcher.start();
  });
  after(async () => {
    await gw.close();
    await Promise.all([otlp.close(), destination.close()]);
  });

  const deliver = async () => {
    await gw.app.dispatcher.idle();
    gw.app.dispatcher.wake();
    await gw.app.dispatcher.idle();
    await gw.app.observe.tracing?.flush();
  };

  it("continues the provider's traceparent: ingest with verify, dedupe, commit; the attempt with send; the destination gets the send's context", async () => {
    const incoming = `00-${providerTrace}-${providerSpan}-01`;
    const eventId = await post(gw.app, '{"id":"evt-trace-1","n":1}', { traceparent: incoming });
    await deliver();

    const ingest = only(otlp.spans, 'webhook receive', providerTrace);
    assert.equal(ingest.parentSpanId, providerSpan, "the provider's span is the parent");
    assert.equal(ingest.attributes['hookgate.event_id'], eventId);
    assert.equal(ingest.attributes['hookgate.result'], 'accepted');
    for (const step of ['verify', 'dedupe', 'commit'])
      assert.equal(only(otlp.spans, step, providerTrace).parentSpanId, ingest.spanId, step);

    // The ingest span's context is what the store keeps with the event.
    const stored = await gw.store.eventGet({ id: eventId });
    assert.equal(stored?.traceContext, `00-${providerTrace}-${ingest.spanId}-01`);

    const attempt = only(otlp.spans, 'delivery attempt', providerTrace);
    assert.equal(attempt.parentSpanId, ingest.spanId, 'the attempt continues the ingest span');
    assert.equal(attempt.attributes['hookgate.destination'], 'backend');
    assert.equal(attempt.attributes['hookgate.outcome'], 'delivered');
    const send = only(otlp.spans, 'send', providerTrace);
    assert.equal(send.parentSpanId, attempt.spanId);
    assert.equal(send.attributes['http.response.status_code'], 200);

    const got = destination.at('/hook').find((r) => r.body.toString().includes('evt-trace-1'));
    assert.equal(got?.headers.traceparent, `00-${providerTrace}-${send.spanId}-01`);

    // Logs carry the trace: the ingest line and the attempt line.
    const lines = gw.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const storedLine = lines.find((l) => l.msg === 'stored' && l.eventId === eventId);
    assert.equal(storedLine?.traceId, providerTrace);
    assert.equal(storedLine?.spanId, ingest.spanId);
    const delivered = lines.find((l) => l.msg === 'delivered' && l.eventId === eventId);
    assert.equal(delivered?.traceId, providerTrace);
    assert.equal(delivered?.spanId, attempt.spanId);
  });

  it('a retried attempt is one more child of the same ingest span', async () => {
    let calls = 0;
    destination.on('/hook', () => ({ status: calls++ === 0 ? 503 : 200 }));
    const eventId = await post(gw.app, '{"id":"evt-trace-retry"}');
    await deliver();
    const [delivery] = await gw.store.deliveryListByEvent({ eventId });
    assert.equal(delivery?.state, 'retry');
    (gw.clock as ManualClock).advance(10 * 60_000);
    await deliver();
    const stored = await gw.store.eventGet({ id: eventId });
    const { traceId, spanId } = parse(stored?.traceContext as string);
    const attempts = otlp.spans.filter(
      (s) => s.name === 'delivery attempt' && s.traceId === traceId,
    );
    assert.deepEqual(
      attempts.map((a) => [
        a.parentSpanId,
        a.attributes['hookgate.attempt'],
        a.attributes['hookgate.outcome'],
      ]),
      [
        [spanId, 1, 'retry'],
        [spanId, 2, 'delivered'],
      ],
    );
    assert.equal(attempts[0]?.status.code, 2, 'the failed attempt is an error span');
    destination.on('/hook', () => ({ status: 200 }));
  });

  it('ignores a malformed or hostile traceparent: the webhook starts a trace of its own', async () => {
    const hostile = [
      `00-${providerTrace.toUpperCase()}-${providerSpan}-01`,
      `00-${'0'.repeat(32)}-${providerSpan}-01`,
      `00-${providerTrace}-${'0'.repeat(16)}-01`,
      `ff-${providerTrace}-${providerSpan}-01`,
      `00-${providerTrace}-${providerSpan}-01-extra`,
      `00-${providerTrace}-${providerSpan}-0\u0000`,
      '00-\ud83d\ude00',
      'x'.repeat(10_000),
    ];
    for (const [i, traceparent] of hostile.entries()) {
      const eventId = await post(gw.app, `{"id":"evt-hostile-${i}"}`, { traceparent });
      await gw.app.observe.tracing?.flush();
      const stored = await gw.store.eventGet({ id: eventId });
      const own = parse(stored?.traceContext as string);
      assert.notEqual(own.traceId, providerTrace, traceparent.slice(0, 80));
      const ingest = only(otlp.spans, 'webhook receive', own.traceId as string);
      assert.equal(ingest.parentSpanId, '', 'a root span');
    }
  });
});

describe('sampling: our ratio decides, never the sender', () => {
  const otlp = new OtlpReceiver();
  const destination = new Receiver();
  let gw: TestGateway;

  before(async () => {
    const [otlpUrl, url] = await Promise.all([otlp.listen(), destination.listen()]);
    gw = await startTestGateway(config(url, otlpUrl, { sampleRatio: 0 }));
    gw.app.dispatcher.start();
  });
  after(async () => {
    await gw.close();
    await Promise.all([otlp.close(), destination.close()]);
  });

  it("a sender's sampled flag does not make us record; the context still travels, not sampled", async () => {
    const incoming = `00-${providerTrace}-${providerSpan}-01`;
    const eventId = await post(gw.app, '{"id":"evt-unsampled"}', { traceparent: incoming });
    gw.app.dispatcher.wake();
    await gw.app.dispatcher.idle();
    await gw.app.observe.tracing?.flush();
    assert.equal(otlp.spans.length, 0, 'nothing recorded at ratio 0');
    const stored = await gw.store.eventGet({ id: eventId });
    const own = parse(stored?.traceContext as string);
    assert.equal(own.traceId, providerTrace);
    assert.equal(own.flags, '00');
    const got = await eventually(() => destination.at('/hook')[0]);
    assert.equal(parse(got.headers.traceparent as string).flags, '00');
  });
});

const pgSkip = await postgresSkipReason();

/**
 * Two instances on one PostgreSQL, each exporting to its own OTLP receiver: A only ingests, B
 * delivers later. B's attempt span continues the trace A stored with the event.
 */
describe('one trace per event across instances (PostgreSQL)', { skip: pgSkip }, () => {
  const schema = testSchema();
  const otlpA = new OtlpReceiver();
  const otlpB = new OtlpReceiver();
  const destination = new Receiver();
  const apps: { app: HookgateApp; store: PostgresStore }[] = [];

  async function instance(otlp: string, url: string) {
    const loaded = parseConfig(JSON.stringify(config(url, otlp)), {
      file: 'test.yaml',
      env: {},
      dataDir: tempDir(),
    });
    const store = new PostgresStore({
      connectionString: postgresUrl,
      schema: schema.name,
      poolSize: 2,
    });
    await store.migrate();
    const app = buildApp({
      config: loaded.config,
      store,
      clock: new ManualClock(testNow),
      logger: createLogger('silent'),
    });
    await app.http.ready();
    apps.push({ app, store });
    return app;
  }

  let urls: { a: string; b: string; destination: string };

  before(async () => {
    const [a, b, d] = await Promise.all([otlpA.listen(), otlpB.listen(), destination.listen()]);
    urls = { a, b, destination: d };
  });
  after(async () => {
    for (const { app, store } of apps) {
      await app.drain();
      await store.close();
    }
    await schema.drop();
    await Promise.all([otlpA.close(), otlpB.close(), destination.close()]);
  });

  it("instance B's attempt is a child of instance A's ingest span", async () => {
    const a = await instance(urls.a, urls.destination);
    const b = await instance(urls.b, urls.destination);
    const eventId = await post(a, '{"id":"evt-two-instances"}');
    await a.observe.tracing?.flush();
    const ingest = await eventually(() => otlpA.named('webhook receive')[0]);
    assert.equal(otlpB.spans.length, 0);

    b.dispatcher.start();
    await eventually(async () => {
      await b.observe.tracing?.flush();
      // The attempt span ends last (after its record).
      return otlpB.named('delivery attempt')[0];
    }, 10_000);
    const attempt = only(otlpB.spans, 'delivery attempt', ingest.traceId);
    assert.equal(attempt.parentSpanId, ingest.spanId);
    assert.equal(attempt.attributes['hookgate.event_id'], eventId);
    const send = only(otlpB.spans, 'send', ingest.traceId);
    const got = destination.at('/hook').find((r) => r.body.toString().includes('two-instances'));
    assert.equal(got?.headers.traceparent, `00-${ingest.traceId}-${send.spanId}-01`);
    assert.equal(otlpA.named('delivery attempt').length, 0, 'A never attempted it');
  });
});
