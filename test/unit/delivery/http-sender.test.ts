import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.ts';
import type { DestinationConfig } from '../../../src/config/schema.ts';
import { HttpSender } from '../../../src/delivery/http-sender.ts';
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

function destination(path: string, timeoutMs = 2_000): DestinationConfig {
  const { config } = parseConfig(
    JSON.stringify({
      sources: [{ name: 'shop', provider: 'none' }],
      destinations: [
        { name: 'backend', url: `${base}${path}`, timeoutMs, headers: { 'X-Team': 'a' } },
      ],
    }),
    { file: 'test', env: {}, dataDir: tempDir() },
  );
  return config.destinations[0] as DestinationConfig;
}

describe('HTTP sender (real loopback server)', () => {
  const sender = new HttpSender();
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await sender.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body byte for byte with the identity headers, path and query', async () => {
    handlers.set('/ok', (_req, res) => res.writeHead(200).end('{"ok":true}'));
    const sent = await sender.send(destination('/ok?tenant=7'), event, 1_700_000_000_000);
    assert.deepEqual(sent.result, { kind: 'response', status: 200, retryAfter: undefined });
    assert.equal(sent.responseBody, '{"ok":true}');
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
    const sent = await sender.send(destination('/busy'), event, 0);
    assert.deepEqual(sent.result, { kind: 'response', status: 503, retryAfter: '120' });
    assert.equal(Buffer.byteLength(sent.responseBody ?? '', 'utf8'), 1024);
  });

  it('a refused connection is a network error, not a timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const dest = { ...destination('/x'), url: `http://127.0.0.1:${port}/x` };
    const sent = await sender.send(dest, event, 0);
    assert.deepEqual(sent.result, { kind: 'network', error: 'ECONNREFUSED', timeout: false });
    assert.equal(sent.responseBody, null);
  });

  it('no headers within the timeout is a timeout', async () => {
    handlers.set('/silent', () => undefined);
    const sent = await sender.send(destination('/silent', 200), event, 0);
    assert.equal(sent.result.kind, 'network');
    assert.equal(sent.result.kind === 'network' && sent.result.timeout, true);
    assert.ok(sent.durationMs >= 150, `answered after ${sent.durationMs} ms`);
  });

  it('an answer that trickles past the deadline is a timeout, although each chunk is in time', async () => {
    handlers.set('/trickle', (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const sent = await sender.send(destination('/trickle', 300), event, 0);
    assert.deepEqual(sent.result, { kind: 'network', error: 'deadline 300 ms', timeout: true });
    assert.ok(sent.durationMs >= 250, `answered after ${sent.durationMs} ms`);
  });
});
