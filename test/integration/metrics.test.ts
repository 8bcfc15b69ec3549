import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ManualClock } from '../../src/domain/clock.ts';
import { errorCatalog } from '../../src/domain/errors.ts';
import { deliveryStates } from '../../src/store/store.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { signedJsonHeaders } from '../helpers/process.ts';
import { families, parseSamples, valueOf, type Sample } from '../helpers/prometheus.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');

/** Hostile values a sender controls: none of them may ever become a label. */
const hostile = [
  'x\ud83d\ude00',
  '\ud800lone',
  'quote"brace}comma,eq=',
  'back\\slash',
  'a'.repeat(5000),
  '<script>alert(1)</script>',
];

/** The label values a Hookgate series may carry, all from configuration or closed sets. */
// `default`: the tenant of the top-level sources and destinations (the only one configured here).
const configured = new Set([
  'shop',
  'limited',
  'ok',
  'down',
  'generic-hmac',
  '(unknown)',
  'default',
]);
const closed = new Set([
  ...deliveryStates,
  ...Object.keys(errorCatalog).map((c) => c.toLowerCase()),
  'accepted',
  'duplicate',
  'handshake',
  'success',
  'failed',
  'stored',
  'rejected',
  'none',
  'validation',
  'temporary',
  'configuration',
  'client',
  'transform',
  'unknown',
  'store',
  'commit',
  'claim',
  'record',
  'scrape',
  'closed',
  'open',
  'half_open',
  'busy',
  'waiting',
  'ok',
  'connected',
  'disconnected',
  'GET',
  'POST',
  'PUT',
]);

/** Series that prom-client's default (process) metrics make: their labels are Node's own. */
const isProcessMetric = (name: string) => /^(process_|nodejs_)/.test(name);

/**
 * Every label value of every Hookgate series is a configured name, a closed enum, a number (a
 * bucket, a status code), the version or the engine, or a route pattern.
 */
function assertBoundedLabels(samples: readonly Sample[], routes: ReadonlySet<string>): void {
  for (const s of samples) {
    if (isProcessMetric(s.name)) continue;
    for (const [label, value] of Object.entries(s.labels)) {
      const ok =
        configured.has(value) ||
        closed.has(value) ||
        (label === 'route' && routes.has(value)) ||
        (['le', 'status_code'].includes(label) && /^(\+Inf|[0-9.e+-]+)$/.test(value)) ||
        (s.name === 'hookgate_info' && ['version', 'engine'].includes(label));
      assert.ok(ok, `${s.name}{${label}="${value.slice(0, 80)}"} is not a bounded label value`);
    }
  }
}

describe('Prometheus /metrics from a running gateway', () => {
  const receiver = new Receiver();
  let gw: TestGateway;
  const scrape = async (headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    gw.app.http.inject({ method: 'GET', url: '/metrics', headers, remoteAddress });
  const samples = async () => {
    const res = await scrape();
    assert.equal(res.statusCode, 200, res.body);
    return parseSamples(res.body);
  };

  const post = (source: string, body: string, headers: Record<string, string> = {}) =>
    gw.app.http.inject({
      method: 'POST',
      url: `/webhooks/${source}`,
      payload: body,
      headers: { ...signedJsonHeaders(secret, body), ...headers },
    });

  before(async () => {
    const url = await receiver.listen();
    receiver.on('/down', () => ({ status: 503 }));
    gw = await startTestGateway(
      {
        admin: { token: '${ADMIN_TOKEN}' },
        delivery: { pollInterval: '1h' },
        metrics: { queueCacheTtl: 0 },
        sources: [
          {
            name: 'shop',
            provider: 'generic-hmac',
            secrets: [secret],
            options: { eventIdPath: 'id', eventTypeHeader: 'x-event-type' },
          },
          {
            name: 'limited',
            provider: 'generic-hmac',
            secrets: [secret],
            rateLimit: { points: 1, duration: 3600, key: 'source' },
          },
        ],
        destinations: [
          { name: 'ok', url: `${url}/ok` },
          {
            name: 'down',
            url: `${url}/down`,
            retry: { schedule: ['1m'], maxAttempts: 5, jitter: 0 },
            circuitBreaker: { failureThreshold: 2 },
          },
        ],
        routes: [
          { source: 'shop', destination: 'ok' },
          { source: 'shop', destination: 'down' },
        ],
      },
      { ADMIN_TOKEN: adminToken },
    );
    gw.app.dispatcher.start();
  });
  after(async () => {
    await gw.close();
    await receiver.close();
  });

  it("counts ingest under the seeds' names and Hookgate's own, by source, provider and result", async () => {
    for (const id of ['m-1', 'm-2', 'm-1'])
      assert.equal((await post('shop', `{"id":"${id}"}`)).statusCode, 200);
    const forged = await post('shop', '{"id":"m-3"}', { 'x-signature': 'ab'.repeat(32) });
    assert.equal(forged.statusCode, 401);
    assert.equal((await post('limited', '{"n":1}')).statusCode, 200);
    assert.equal((await post('limited', '{"n":2}')).statusCode, 429);
    await gw.app.dispatcher.idle();

    const s = await samples();
    const p = { provider: 'generic-hmac' };
    assert.equal(valueOf(s, 'webhooks_received_total', p), 6);
    assert.equal(valueOf(s, 'webhooks_processed_total', { ...p, status: 'success' }), 4);
    assert.equal(valueOf(s, 'webhooks_processed_total', { ...p, status: 'failed' }), 2);
    assert.equal(valueOf(s, 'webhook_processing_duration_seconds_count', p), 6);
    const result = (source: string, r: string) =>
      valueOf(s, 'hookgate_ingest_requests_total', { source, result: r });
    assert.equal(result('shop', 'accepted'), 2);
    assert.equal(result('shop', 'duplicate'), 1);
    assert.equal(result('shop', 'invalid_signature'), 1);
    assert.equal(result('limited', 'accepted'), 1);
    assert.equal(result('limited', 'rate_limited'), 1);
    assert.equal(valueOf(s, 'webhook_events_total', { status: 'stored' }), 3);
    assert.equal(valueOf(s, 'webhook_events_total', { status: 'duplicate' }), 1);
    assert.equal(valueOf(s, 'webhook_events_total', { status: 'rejected' }), 2);
    assert.ok(valueOf(s, 'hookgate_commits_total', { result: 'ok' }) >= 1);
    assert.ok(valueOf(s, 'hookgate_commit_batch_size_sum') >= 4);
    assert.ok(valueOf(s, 'hookgate_commit_duration_seconds_count') >= 1);
    assert.equal(
      valueOf(s, 'http_requests_total', {
        method: 'POST',
        route: '/webhooks/:source',
        status_code: '200',
      }),
      4,
    );
    assert.ok(valueOf(s, 'database_connections_active') >= 1);
    assert.equal(valueOf(s, 'hookgate_info', { engine: 'sqlite' }), 1);
    assert.ok(
      s.some((x) => x.name === 'process_cpu_user_seconds_total'),
      'process metrics',
    );
  });

  it('counts attempts by destination, outcome and error class; reads queue depth, lag and breakers from the store', async () => {
    // A third event: "down" failed twice (temporary), which opened its breaker (threshold 2),
    // so the third waits, pending, without an attempt.
    await post('shop', '{"id":"m-4"}');
    await gw.app.dispatcher.idle();
    let s = await samples();
    const attempts = (destination: string, outcome: string, errorClass: string) =>
      valueOf(s, 'hookgate_attempts_total', { destination, outcome, error_class: errorClass });
    assert.equal(attempts('ok', 'delivered', 'none'), 3);
    assert.equal(attempts('down', 'retry', 'temporary'), 2);
    assert.equal(
      valueOf(s, 'hookgate_deliveries_total', { destination: 'ok', state: 'delivered' }),
      3,
    );
    assert.equal(valueOf(s, 'hookgate_attempt_duration_seconds_count', { destination: 'ok' }), 3);
    assert.equal(valueOf(s, 'integration_errors_total', { type: 'temporary' }), 2);
    assert.equal(
      valueOf(s, 'hookgate_delivery_transitions_total', {
        destination: 'down',
        from: 'pending',
        to: 'retry',
      }),
      2,
    );
    assert.equal(valueOf(s, 'hookgate_attempts_in_flight', { destination: 'ok' }), 0);
    assert.equal(valueOf(s, 'hookgate_queue_depth', { destination: 'down', state: 'retry' }), 2);
    assert.equal(valueOf(s, 'hookgate_queue_depth', { destination: 'down', state: 'pending' }), 1);
    assert.equal(valueOf(s, 'hookgate_queue_depth', { destination: 'ok', state: 'pending' }), 0);
    assert.equal(valueOf(s, 'hookgate_breaker_state', { destination: 'down', state: 'open' }), 1);
    assert.equal(valueOf(s, 'hookgate_breaker_state', { destination: 'ok', state: 'closed' }), 1);
    assert.equal(
      valueOf(s, 'hookgate_breaker_transitions_total', { destination: 'down', to: 'open' }),
      1,
    );
    assert.equal(valueOf(s, 'hookgate_store_up'), 1);
    // The pending one is due now (held back by the breaker); two minutes on, it has waited.
    (gw.clock as ManualClock).advance(120_000);
    s = await samples();
    assert.ok(valueOf(s, 'hookgate_queue_oldest_due_seconds', { destination: 'down' }) >= 60);
    // Paused: the waiting deliveries are held.
    const pause = await gw.app.http.inject({
      method: 'POST',
      url: '/admin/destinations/down/pause',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(pause.statusCode, 200);
    s = await samples();
    assert.equal(valueOf(s, 'hookgate_destination_paused', { destination: 'down' }), 1);
    assert.equal(valueOf(s, 'hookgate_queue_depth', { destination: 'down', state: 'held' }), 3);
  });

  it('never makes a label of what a sender controls: event types, headers, ids, unknown source names', async () => {
    const encode = (v: string) => encodeURIComponent(v.toWellFormed());
    let unknownSources = 0;
    for (const [i, value] of hostile.entries()) {
      const res = await post('shop', `{"id":"h-${i}","type":${JSON.stringify(value)}}`, {
        'x-event-type': encode(value),
        'x-request-id': encode(value).slice(0, 100),
        traceparent: value,
      });
      assert.equal(res.statusCode, 200, res.body);
      const unknown = await gw.app.http.inject({
        method: 'POST',
        url: `/webhooks/${encode(value)}`,
        payload: '{}',
        headers: { 'content-type': 'application/json' },
      });
      // The longest never reaches the webhook route: a path parameter over 100 characters is
      // refused before routing (404 NOT_FOUND, see client-errors.ts).
      assert.equal(unknown.statusCode, 404, unknown.body);
      if (unknown.json().error?.code === 'UNKNOWN_SOURCE') unknownSources += 1;
    }
    await gw.app.dispatcher.idle();
    const res = await scrape();
    for (const value of hostile) {
      assert.ok(!res.body.includes(value), `${value.slice(0, 40)} reached /metrics`);
      assert.ok(!res.body.includes(encode(value)), 'nor encoded');
    }
    const s = parseSamples(res.body);
    // A route label is the pattern of a registered route, never the path as requested.
    const routes = new Set(
      s
        .filter((x) => x.name === 'http_requests_total')
        .map((x) => x.labels.route as string)
        .filter((url) =>
          ['GET', 'POST', 'PUT'].some((method) => gw.app.http.hasRoute({ method, url })),
        ),
    );
    assert.ok(routes.has('/webhooks/:source'));
    assertBoundedLabels(s, routes);
    assert.equal(
      valueOf(s, 'hookgate_ingest_requests_total', { source: '(unknown)' }),
      unknownSources,
    );
  });

  it('serves loopback scrapers; anyone else needs the token', async () => {
    const outside = await scrape({}, '203.0.113.9');
    assert.equal(outside.statusCode, 401);
    assert.equal(outside.json().error.code, 'UNAUTHORIZED');
    const wrong = await scrape({ authorization: 'Bearer nope' }, '203.0.113.9');
    assert.equal(wrong.statusCode, 401);
    const withToken = await scrape({ authorization: `Bearer ${adminToken}` }, '203.0.113.9');
    assert.equal(withToken.statusCode, 200);
    assert.match(withToken.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    assert.ok(families(withToken.body).get('hookgate_queue_depth') === 'gauge');
  });
});

/** A gateway needs a source; these tests are about the metrics section. */
const oneSource = { sources: [{ name: 's', provider: 'none' }] };

describe('metrics configuration', () => {
  it('metrics.enabled: false serves no /metrics and counts nothing', async () => {
    const gw = await startTestGateway({ ...oneSource, metrics: { enabled: false } });
    try {
      assert.equal((await gw.app.http.inject({ url: '/metrics' })).statusCode, 404);
      assert.equal(gw.app.observe.metrics, undefined);
    } finally {
      await gw.close();
    }
  });

  it('allowIps and a token of its own, with no admin API', async () => {
    const token = randomBytes(8).toString('hex');
    const gw = await startTestGateway({
      ...oneSource,
      metrics: { allowIps: ['10.1.0.0/16'], token },
    });
    try {
      const get = (remoteAddress: string, headers: Record<string, string> = {}) =>
        gw.app.http.inject({ url: '/metrics', remoteAddress, headers });
      assert.equal((await get('10.1.2.3')).statusCode, 200);
      assert.equal((await get('127.0.0.1')).statusCode, 401, 'loopback is not in this list');
      assert.equal((await get('10.2.0.1', { authorization: `Bearer ${token}` })).statusCode, 200);
    } finally {
      await gw.close();
    }
  });

  it('without a token, an address outside the list is refused as such', async () => {
    const gw = await startTestGateway(oneSource);
    try {
      const res = await gw.app.http.inject({ url: '/metrics', remoteAddress: '198.51.100.1' });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().error.code, 'IP_NOT_ALLOWED');
    } finally {
      await gw.close();
    }
  });
});
