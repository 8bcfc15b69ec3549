import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.ts';
import { Agent } from 'undici';
import type { OutboundMessage } from '../../../src/destinations/destination.ts';
import { HttpDestination } from '../../../src/destinations/http/http-destination.ts';
import { Exchange } from '../../../src/destinations/http/exchange.ts';
import type { HttpResult } from '../../../src/destinations/http/classify.ts';
import type { HttpDestinationConfig } from '../../../src/destinations/http/schema.ts';
import type { StoredEvent } from '../../../src/store/store.ts';
import { tempDir } from '../../helpers/gateway.ts';

const event: StoredEvent = {
  id: 'evt_1',
  source: 'shop',
  provider: 'none',
  providerEventId: null,
  eventType: 'order.created',
  requestId: 'req-1',
  clientIp: '127.0.0.1',
  method: 'POST',
  url: '/webhooks/shop',
  headers: { 'content-type': 'application/json', authorization: 'Bearer never-forwarded' },
  body: Buffer.from('{"order":1}'),
  receivedAt: 0,
  duplicateCount: 0,
  lastDuplicateAt: null,
  tenant: 'default',
};

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
const handlers = new Map<string, Handler>();
const seen: { path: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    seen.push({ path: req.url ?? '', headers: req.headers, body });
    const handler = handlers.get((req.url ?? '').split('?')[0] ?? '');
    if (handler) handler(req, res, body);
    else res.writeHead(404).end();
  });
});
let base = '';

function destination(path: string, timeoutMs = 2_000): HttpDestinationConfig {
  const { config } = parseConfig(
    JSON.stringify({
      sources: [{ name: 'shop', provider: 'none' }],
      destinations: [
        { name: 'backend', url: `${base}${path}`, timeoutMs, headers: { 'X-Team': 'a' } },
      ],
    }),
    { file: 'test', env: {}, dataDir: tempDir() },
  );
  return config.destinations[0] as HttpDestinationConfig;
}

const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

/** One send as the attempt makes it: the event's body, its idempotency key, at `now`. */
async function send(
  config: HttpDestinationConfig,
  now: number,
  ev: StoredEvent = event,
  headers: Record<string, string> = {},
) {
  const message: OutboundMessage = {
    event: ev,
    id: `${ev.id}.${config.name}`,
    body: ev.body,
    headers,
    transformed: false,
    now,
  };
  const started = performance.now();
  const verdict = await new HttpDestination(config, agent).send(message, config.timeoutMs);
  return { verdict, durationMs: performance.now() - started };
}

describe('HTTP destination (real loopback server)', () => {
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body byte for byte with the identity headers, path and query', async () => {
    handlers.set('/ok', (_req, res) => res.writeHead(200).end('{"ok":true}'));
    const { verdict } = await send(destination('/ok?tenant=7'), 1_700_000_000_000);
    assert.deepEqual(verdict, { kind: 'delivered', status: 200, response: '{"ok":true}' });
    const got = seen.at(-1);
    assert.equal(got?.path, '/ok?tenant=7');
    assert.deepEqual(got?.body, event.body);
    assert.equal(got?.headers['idempotency-key'], 'evt_1.backend');
    assert.equal(got?.headers['webhook-id'], 'evt_1.backend');
    assert.equal(got?.headers['webhook-timestamp'], '1700000000');
    assert.equal(got?.headers['x-hookgate-event-type'], 'order.created');
    assert.equal(got?.headers['x-request-id'], 'req-1');
    assert.equal(got?.headers['x-team'], 'a');
    assert.equal(got?.headers['content-type'], 'application/json');
    assert.equal(got?.headers.authorization, undefined);
  });

  it('keeps the first KiB of a large answer and its Retry-After', async () => {
    handlers.set('/busy', (_req, res) =>
      res.writeHead(503, { 'Retry-After': '120' }).end('é'.repeat(100_000)),
    );
    const { verdict } = await send(destination('/busy'), 0);
    assert.equal(verdict.kind, 'failed');
    assert.equal(verdict.status, 503);
    assert.equal(verdict.kind === 'failed' && verdict.retryAfter, '120');
    assert.equal(Buffer.byteLength(verdict.response ?? '', 'utf8'), 1024);
  });

  it('a refused connection is a network error, not a timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const dest = { ...destination('/x'), url: `http://127.0.0.1:${port}/x` };
    const { verdict } = await send(dest, 0);
    assert.deepEqual(verdict, {
      kind: 'failed',
      errorClass: 'temporary',
      error: 'ECONNREFUSED',
      status: null,
      response: null,
    });
  });

  it('no headers within the timeout is a timeout', async () => {
    handlers.set('/silent', () => undefined);
    const { verdict, durationMs } = await send(destination('/silent', 200), 0);
    assert.equal(verdict.kind, 'failed');
    assert.match(verdict.kind === 'failed' ? verdict.error : '', /^timeout: /);
    assert.ok(durationMs >= 150, `answered after ${durationMs} ms`);
  });

  it('an answer that trickles past the deadline is a timeout, although each chunk is in time', async () => {
    handlers.set('/trickle', (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const { verdict, durationMs } = await send(destination('/trickle', 300), 0);
    assert.equal(verdict.kind === 'failed' && verdict.error, 'timeout: deadline 300 ms');
    assert.ok(durationMs >= 250, `answered after ${durationMs} ms`);
  });

  it('header values from hostile bytes are percent-encoded UTF-8, never refused', async () => {
    handlers.set('/hostile', (_req, res) => res.writeHead(200).end());
    const types = [
      'x\ud83d\ude00',
      'a\ud800b',
      'nul\u0000',
      'cr\r\nx-injected: 1',
      ' pad ',
      '50%',
      'é',
    ];
    for (const eventType of types) {
      const { verdict } = await send(
        destination('/hostile'),
        0,
        { ...event, eventType },
        {
          'x-from-transform': eventType,
        },
      );
      assert.equal(verdict.kind, 'delivered', eventType);
      const got = seen.at(-1);
      const sent = got?.headers['x-hookgate-event-type'] as string;
      assert.equal(decodeURIComponent(sent), eventType.toWellFormed(), JSON.stringify(eventType));
      assert.equal(got?.headers['x-from-transform'], sent);
      assert.equal(got?.headers['x-injected'], undefined);
    }
    // Printable ASCII without "%" is sent as it is.
    await send(destination('/hostile'), 0, { ...event, eventType: 'invoice.paid v2' });
    assert.equal(seen.at(-1)?.headers['x-hookgate-event-type'], 'invoice.paid v2');
  });

  it('a header name a transform made that HTTP cannot carry is a client error: nothing is sent', async () => {
    const before = seen.length;
    const { verdict } = await send(destination('/ok'), 0, event, { 'bad name': 'x' });
    assert.equal(verdict.kind === 'failed' && verdict.errorClass, 'client');
    assert.equal(seen.length, before);
  });

  it('undici refusing a request inside dispatch is reported as local, not as the network', async () => {
    const pool = new Agent({ connections: 1 });
    try {
      const local = await new Promise<HttpResult>((resolve) => {
        const exchange = new Exchange(1000, (result) => resolve(result));
        exchange.dispatching = true;
        pool.dispatch(
          { origin: base, path: '/ok', method: 'POST', headers: { 'x-bad': 'é\u0100' } },
          exchange,
        );
        exchange.dispatching = false;
      });
      assert.equal(local.kind, 'local');
    } finally {
      await pool.destroy();
    }
  });
});
