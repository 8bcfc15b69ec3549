import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sign as githubSign } from '@octokit/webhooks-methods';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  testNow,
  type TestGateway,
} from '../helpers/gateway.ts';

const stripeSecret = `whsec_${randomBytes(24).toString('hex')}`;
const githubSecret = randomBytes(20).toString('hex');
const svixSecret = `whsec_${randomBytes(24).toString('base64')}`;
const careemSecret = randomBytes(32).toString('hex');

const config = {
  server: { bodyLimit: '1mb', trustedProxies: ['10.9.9.9'] },
  storage: { busyTimeout: 100 },
  sources: [
    { name: 'stripe', provider: 'stripe', secrets: [stripeSecret] },
    { name: 'github', provider: 'github', secrets: [githubSecret] },
    { name: 'svix', provider: 'standard-webhooks', secrets: [svixSecret] },
    {
      name: 'careem',
      provider: 'generic-hmac',
      secrets: [careemSecret],
      options: {
        header: 'x-careem-signature',
        eventIdPath: 'order_id',
        eventTypeHeader: 'x-event-type',
      },
    },
    {
      name: 'office',
      provider: 'generic-hmac',
      secrets: [careemSecret],
      allowIps: ['10.1.0.0/16'],
    },
    {
      name: 'limited',
      provider: 'generic-hmac',
      secrets: [careemSecret],
      rateLimit: { points: 2, duration: 60 },
    },
    {
      name: 'okta',
      provider: 'generic-hmac',
      secrets: [careemSecret],
      verificationChallenge: {},
    },
    {
      name: 'custom',
      provider: 'generic-hmac',
      secrets: [careemSecret],
      options: { eventIdPath: 'id' },
      response: { status: 202, contentType: 'text/plain', body: 'got {{eventId}}' },
    },
  ],
  destinations: [
    { name: 'backend', url: 'http://127.0.0.1:3001/api/integration/orders' },
    { name: 'audit', url: 'http://127.0.0.1:3009/audit' },
  ],
  routes: [
    { source: 'careem', destination: 'backend', filter: { eventType: 'order.*' } },
    { source: 'careem', destination: 'audit' },
    { source: 'okta', destination: 'audit' },
  ],
};

const careemSig = (body: string | Buffer) =>
  createHmac('sha256', careemSecret).update(body).digest('hex');

function stripeHeader(payload: string, timestamp = Math.floor(testNow / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: stripeSecret, timestamp });
}

for (const engine of testEngines) {
  describe(`ingress (${engine})`, { skip: await engineSkipReason(engine) }, () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startTestGateway(config, {}, undefined, engine);
    });
    after(async () => {
      await gw.close();
    });

    const post = (
      url: string,
      body: string | Buffer,
      headers: Record<string, string>,
      remoteAddress?: string,
    ) =>
      gw.app.http.inject({
        method: 'POST',
        url,
        payload: body,
        headers,
        ...(remoteAddress ? { remoteAddress } : {}),
      });

    it('stores a signed Stripe event and answers 200 with its id after the commit', async () => {
      const body = JSON.stringify({
        id: 'evt_stripe_1',
        type: 'invoice.paid',
        data: { object: {} },
      });
      const res = await post('/webhooks/stripe', body, {
        'content-type': 'application/json',
        'stripe-signature': stripeHeader(body),
        'x-request-id': 'req-<script>-42',
      });
      assert.equal(res.statusCode, 200);
      const json = res.json();
      assert.equal(json.success, true);
      assert.match(json.data.eventId, /^evt_[0-9a-f]{32}$/);
      assert.equal(json.data.requestId, 'req-script-42');
      assert.equal(res.headers['x-request-id'], 'req-script-42');
      const stored = await gw.store.eventGet({ id: json.data.eventId });
      assert.ok(stored);
      assert.equal(stored.body.toString(), body);
      assert.equal(stored.providerEventId, 'evt_stripe_1');
      assert.equal(stored.eventType, 'invoice.paid');
      assert.equal(stored.requestId, 'req-script-42');
      assert.equal(stored.headers['stripe-signature'], '[redacted]');
      assert.equal(stored.clientIp, '127.0.0.1');
    });

    it('answers 401 INVALID_SIGNATURE with no hint for a wrong signature', async () => {
      const body = JSON.stringify({ id: 'evt_stripe_2', type: 'invoice.paid' });
      const header = stripeHeader(body).replace(
        /v1=([0-9a-f])/,
        (_m, c: string) => `v1=${c === 'a' ? 'b' : 'a'}`,
      );
      const res = await post('/webhooks/stripe', body, {
        'content-type': 'application/json',
        'stripe-signature': header,
      });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), {
        success: false,
        error: {
          code: 'INVALID_SIGNATURE',
          message: 'The webhook signature could not be verified.',
        },
      });
      assert.equal(await gw.store.eventCount({ source: 'stripe' }), 1);
    });

    it('rejects a replayed Stripe timestamp older than 300 s', async () => {
      const body = JSON.stringify({ id: 'evt_stripe_old', type: 'invoice.paid' });
      const old = Math.floor(testNow / 1000) - 301;
      const res = await post('/webhooks/stripe', body, {
        'content-type': 'application/json',
        'stripe-signature': stripeHeader(body, old),
      });
      assert.equal(res.statusCode, 401);
      const fresh = await post('/webhooks/stripe', body, {
        'content-type': 'application/json',
        'stripe-signature': stripeHeader(body, old + 2),
      });
      assert.equal(fresh.statusCode, 200);
    });

    it('stores the same event once and counts the duplicate', async () => {
      const body = JSON.stringify({ id: 'evt_dup', type: 'charge.succeeded' });
      const headers = {
        'content-type': 'application/json',
        'stripe-signature': stripeHeader(body),
      };
      const first = await post('/webhooks/stripe', body, headers);
      const second = await post('/webhooks/stripe', body, {
        ...headers,
        'stripe-signature': stripeHeader(body, Math.floor(testNow / 1000) + 5),
      });
      assert.equal(first.statusCode, 200);
      assert.equal(second.statusCode, 200);
      assert.equal(second.json().data.duplicate, true);
      assert.equal(second.json().data.eventId, first.json().data.eventId);
      assert.equal(first.json().data.duplicate, undefined);
      const stored = await gw.store.eventGet({ id: first.json().data.eventId });
      assert.equal(stored?.duplicateCount, 1);
      const rows = (await gw.store.eventList({ source: 'stripe', limit: 100 })).filter(
        (e) => e.providerEventId === 'evt_dup',
      );
      assert.equal(rows.length, 1);
    });

    it('answers 413 for a 2 MiB body on a 1 MiB source', async () => {
      const body = Buffer.alloc(2 * 1024 * 1024, 'a');
      const res = await post('/webhooks/careem', body, {
        'content-type': 'text/plain',
        'x-careem-signature': careemSig(body),
      });
      assert.equal(res.statusCode, 413);
      assert.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE');
    });

    it('keeps any content type as raw bytes (form, XML, none)', async () => {
      for (const [type, body] of [
        ['application/x-www-form-urlencoded', 'a=1&b=%C3%BC'],
        ['application/xml', '<order id="1">ü</order>'],
        [undefined, 'plain bytes'],
      ] as const) {
        const headers: Record<string, string> = { 'x-careem-signature': careemSig(body) };
        if (type) headers['content-type'] = type;
        const res = await post('/webhooks/careem', body, headers);
        assert.equal(res.statusCode, 200, `${type ?? 'no content type'}: ${res.body}`);
        const stored = await gw.store.eventGet({ id: res.json().data.eventId });
        assert.equal(stored?.body.toString(), body);
        assert.equal(stored?.headers['x-careem-signature'], '[redacted]');
      }
    });

    it('answers 400 INVALID_PAYLOAD when a body declared as JSON does not parse', async () => {
      const body = '{"id": "evt_broken", ';
      const res = await post('/webhooks/stripe', body, {
        'content-type': 'application/json',
        'stripe-signature': stripeHeader(body),
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'INVALID_PAYLOAD');
    });

    it('verifies GitHub (octokit oracle) and identifies delivery id and type', async () => {
      const body = JSON.stringify({ action: 'opened', issue: { number: 1 } });
      const res = await post('/webhooks/github', body, {
        'content-type': 'application/json',
        'x-hub-signature-256': await githubSign(githubSecret, body),
        'x-github-event': 'issues',
        'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      });
      assert.equal(res.statusCode, 200);
      const stored = await gw.store.eventGet({ id: res.json().data.eventId });
      assert.equal(stored?.providerEventId, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
      assert.equal(stored?.eventType, 'issues.opened');
    });

    it('verifies Standard Webhooks (standardwebhooks oracle)', async () => {
      const body = JSON.stringify({ type: 'user.created', data: {} });
      const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
      const ts = new Date(testNow);
      const signature = new Webhook(svixSecret).sign(id, ts, body);
      const res = await post('/api/v1/webhooks/svix', body, {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(testNow / 1000)),
        'webhook-signature': signature,
      });
      assert.equal(res.statusCode, 200, res.body);
      const stored = await gw.store.eventGet({ id: res.json().data.eventId });
      assert.equal(stored?.providerEventId, id);
      assert.equal(stored?.eventType, 'user.created');
    });

    it('echoes an Okta-style verification challenge, keeps it as a handshake event, delivers nothing', async () => {
      const res = await gw.app.http.inject({
        method: 'GET',
        url: '/webhooks/okta',
        headers: { 'x-okta-verification-challenge': 'chal-123' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { verification: 'chal-123' });
      const [stored] = await gw.store.eventList({ source: 'okta', limit: 1 });
      assert.equal(stored?.eventType, 'handshake');
      assert.deepEqual(await gw.store.deliveryListByEvent({ eventId: stored?.id as string }), []);
      // GET without the challenge is not a webhook; POST is verified as usual.
      const get = await gw.app.http.inject({ method: 'GET', url: '/webhooks/okta' });
      assert.equal(get.statusCode, 405);
      assert.equal(get.json().error.code, 'METHOD_NOT_ALLOWED');
      const unsigned = await post('/webhooks/okta', '{"a":1}', {
        'content-type': 'application/json',
      });
      assert.equal(unsigned.statusCode, 401);
    });

    it("answers with the source's own synchronous response, the same id for a repeat", async () => {
      const body = JSON.stringify({ id: 'C-1' });
      const headers = { 'content-type': 'application/json', 'x-signature': careemSig(body) };
      const first = await post('/webhooks/custom', body, headers);
      assert.equal(first.statusCode, 202);
      assert.match(first.body, /^got evt_/);
      assert.match(String(first.headers['content-type']), /^text\/plain/);
      const again = await post('/webhooks/custom', body, headers);
      assert.equal(again.body, first.body);
    });

    it('takes PUT as well as POST (platforms that send updates by PUT)', async () => {
      const body = JSON.stringify({ order_id: 'CAR-PUT-1', status: 'ORDER_CANCELLED' });
      const res = await gw.app.http.inject({
        method: 'PUT',
        url: '/webhooks/careem/remoteId/R1/remoteOrder/CAR-PUT-1/posOrderStatus',
        payload: body,
        headers: { 'content-type': 'application/json', 'x-careem-signature': careemSig(body) },
      });
      assert.equal(res.statusCode, 200, res.body);
      const stored = await gw.store.eventGet({ id: res.json().data.eventId });
      assert.equal(stored?.method, 'PUT');
    });

    it('answers on the seed aliases and subpaths, and creates one delivery per matching route', async () => {
      const body = JSON.stringify({ order_id: 'CAR-1001', price: '12.500' });
      const res = await post('/api/v1/webhooks/generic/careem/order/CAR-1001', body, {
        'content-type': 'application/json',
        'x-careem-signature': careemSig(body),
        'x-event-type': 'order.created',
      });
      assert.equal(res.statusCode, 200, res.body);
      const eventId = res.json().data.eventId as string;
      const stored = await gw.store.eventGet({ id: eventId });
      assert.equal(stored?.providerEventId, 'CAR-1001');
      assert.equal(stored?.url, '/api/v1/webhooks/generic/careem/order/CAR-1001');
      const deliveries = await gw.store.deliveryListByEvent({ eventId });
      assert.deepEqual(deliveries.map((d) => d.destination).sort(), ['audit', 'backend']);
      assert.ok(deliveries.every((d) => d.state === 'pending'));

      const status = JSON.stringify({ order_id: 'CAR-1001-s', status: 'cancelled' });
      const res2 = await post('/api/webhooks/careem', status, {
        'content-type': 'application/json',
        'x-careem-signature': careemSig(status),
        'x-event-type': 'status.updated',
      });
      const d2 = await gw.store.deliveryListByEvent({ eventId: res2.json().data.eventId });
      assert.deepEqual(
        d2.map((d) => d.destination),
        ['audit'],
      );
    });

    it('answers 404 UNKNOWN_SOURCE for a source that is not configured', async () => {
      const res = await post('/webhooks/nope', '{}', { 'content-type': 'application/json' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'UNKNOWN_SOURCE');
    });

    it('applies the IP allowlist to the socket address, and reads X-Forwarded-For only from a trusted proxy', async () => {
      const body = 'x';
      const headers = { 'content-type': 'text/plain', 'x-signature': careemSig(body) };
      assert.equal((await post('/webhooks/office', body, headers, '10.1.2.3')).statusCode, 200);
      const denied = await post('/webhooks/office', body, headers, '192.168.0.7');
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'IP_NOT_ALLOWED');
      // A spoofed header from an untrusted peer is ignored.
      assert.equal(
        (
          await post(
            '/webhooks/office',
            body,
            { ...headers, 'x-forwarded-for': '10.1.2.3' },
            '192.168.0.7',
          )
        ).statusCode,
        403,
      );
      // From the trusted proxy, the right-most untrusted hop counts (the left one is client-supplied).
      assert.equal(
        (
          await post(
            '/webhooks/office',
            body,
            { ...headers, 'x-forwarded-for': '10.1.2.3' },
            '10.9.9.9',
          )
        ).statusCode,
        200,
      );
      assert.equal(
        (
          await post(
            '/webhooks/office',
            body,
            { ...headers, 'x-forwarded-for': '10.1.2.3, 192.168.0.7' },
            '10.9.9.9',
          )
        ).statusCode,
        403,
      );
    });

    it('rate limits per source with 429 and Retry-After', async () => {
      const body = 'r';
      const headers = { 'content-type': 'text/plain', 'x-signature': careemSig(body) };
      const codes = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await post('/webhooks/limited', body, headers);
        codes.push(last.statusCode);
      }
      assert.deepEqual(codes, [200, 200, 429]);
      assert.equal(last?.json().error.code, 'RATE_LIMITED');
      assert.ok(Number(last?.headers['retry-after']) >= 1);
    });

    it(
      'answers 503 UNAVAILABLE while the store cannot commit, and 200 again once it can',
      {
        skip:
          engine === 'postgres'
            ? 'PostgreSQL waits on a lock instead of failing; its outage is test/process/postgres-restart.test.ts'
            : false,
      },
      async () => {
        const locker = new Database(gw.dbFile);
        locker.exec('BEGIN IMMEDIATE');
        const body = JSON.stringify({ order_id: 'CAR-LOCKED' });
        const headers = {
          'content-type': 'application/json',
          'x-careem-signature': careemSig(body),
        };
        try {
          const res = await post('/webhooks/careem', body, headers);
          assert.equal(res.statusCode, 503);
          assert.equal(res.json().error.code, 'UNAVAILABLE');
          assert.doesNotMatch(res.body, /SQLITE|locked|stack/i);
          assert.equal((await gw.app.http.inject({ url: '/health/ready' })).statusCode, 503);
        } finally {
          locker.exec('ROLLBACK');
          locker.close();
        }
        assert.equal((await post('/webhooks/careem', body, headers)).statusCode, 200);
        assert.equal((await gw.app.http.inject({ url: '/health/ready' })).statusCode, 200);
      },
    );

    it('reports health with version, uptime, database and delivery counts', async () => {
      const res = await gw.app.http.inject({ url: '/health' });
      assert.equal(res.statusCode, 200);
      const json = res.json();
      assert.equal(json.status, 'ok');
      assert.match(json.version, /^\d+\.\d+\.\d+/);
      assert.equal(json.checks.database.status, 'ok');
      assert.ok(json.checks.deliveries.pending >= 3);
      assert.equal((await gw.app.http.inject({ url: '/health/live' })).statusCode, 200);
    });

    it('logs every request with its request id and never a secret, signature or authorization', async () => {
      const body = JSON.stringify({ id: 'evt_log', type: 'invoice.paid' });
      const signature = stripeHeader(body);
      await post('/webhooks/stripe', body, {
        'content-type': 'application/json',
        'stripe-signature': signature,
        authorization: 'Bearer top-secret-token',
        'x-request-id': 'log-check-1',
      });
      await post('/webhooks/stripe', body, {
        'content-type': 'application/json',
        'stripe-signature': 't=1,v1=00',
        'x-request-id': 'log-check-2',
      });
      const all = gw.logs.join('');
      for (const secret of [
        stripeSecret,
        githubSecret,
        svixSecret,
        careemSecret,
        'top-secret-token',
        signature.split('v1=')[1] ?? 'x',
      ]) {
        assert.ok(!all.includes(secret), 'a secret reached the logs');
      }
      const lines = gw.logs.map((l) => JSON.parse(l) as { requestId?: string; msg: string });
      assert.ok(lines.some((l) => l.requestId === 'log-check-1' && l.msg === 'stored'));
      assert.ok(lines.some((l) => l.requestId === 'log-check-2' && l.msg === 'signature rejected'));
    });

    it('answers unknown paths with the stable error shape', async () => {
      const res = await gw.app.http.inject({ url: '/nope' });
      assert.equal(res.statusCode, 404);
      assert.deepEqual(res.json().error.code, 'NOT_FOUND');
    });
  });
}

describe('ingress while shutting down', () => {
  it('answers 503 once draining has begun', async () => {
    const gw = await startTestGateway(config);
    gw.app.stopAccepting();
    const body = 'x';
    const res = await gw.app.http.inject({
      method: 'POST',
      url: '/webhooks/careem',
      payload: body,
      headers: { 'x-careem-signature': careemSig(body) },
    });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error.code, 'UNAVAILABLE');
    assert.equal((await gw.app.http.inject({ url: '/health/ready' })).statusCode, 503);
    await gw.close();
  });
});
