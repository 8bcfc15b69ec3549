import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/domain/clock.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const adminToken = randomBytes(16).toString('hex');

/** A config file's text, as an operator writes it. */
const yaml = `
server:
  headersTimeout: 300ms
  requestTimeout: 600ms
admin:
  token: '\${ADMIN_TOKEN}'
sources:
  - name: raw
    provider: none
    dedupe: { key: none }
`;

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The server closed the connection after answering. */
  readonly closed: boolean;
}

/**
 * Writes bytes to the gateway on a raw socket (what no well-behaved client would send), then
 * `drip` one byte at a time until the server answers; reads the answer.
 */
function rawRequest(port: number, text: string, drip = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let timer: NodeJS.Timeout | undefined;
    if (drip) timer = setInterval(() => socket.writable && socket.write('x'), 100);
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearInterval(timer);
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [
          l.slice(0, l.indexOf(':')).toLowerCase(),
          l.slice(l.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.join('\r\n\r\n'),
        closed: true,
      });
    });
  });
}

function documented(answer: RawAnswer, status: number, code: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer));
  assert.deepEqual(
    { success: false, code },
    (() => {
      const parsed = JSON.parse(answer.body) as {
        success: boolean;
        error: { code: string; message: string };
      };
      assert.equal(typeof parsed.error.message, 'string');
      return { success: parsed.success, code: parsed.error.code };
    })(),
  );
  assert.match(answer.headers['x-request-id'] ?? '', /^[A-Za-z0-9._:@-]+$/);
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
}

describe('HTTP limits and answers of the listening gateway', () => {
  let gw: TestGateway;
  let port: number;
  before(async () => {
    gw = await startTestGateway(yaml, { ADMIN_TOKEN: adminToken }, systemClock);
    port = Number(new URL(await gw.app.http.listen({ host: '127.0.0.1', port: 0 })).port);
  });
  after(async () => {
    await (gw as TestGateway | undefined)?.close();
  });

  it('answers a trickled body 408 REQUEST_TIMEOUT (server.requestTimeout) and closes the connection', async () => {
    const answer = await rawRequest(
      port,
      'POST /webhooks/raw HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n',
      true,
    );
    documented(answer, 408, 'REQUEST_TIMEOUT');
    assert.equal(answer.headers.connection, 'close');
    assert.equal(await gw.store.eventCount({ source: 'raw' }), 0);
    // Nothing in the gateway's log says it failed: a slow sender is the sender's problem.
    const failures = gw.logs
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level >= 50);
    assert.deepEqual(failures, []);
  });

  it('answers headers that never end 408 REQUEST_TIMEOUT (server.headersTimeout)', async () => {
    const answer = await rawRequest(port, 'POST /webhooks/raw HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    documented(answer, 408, 'REQUEST_TIMEOUT');
  });

  it("answers Node's and Fastify's own 400 and 431 in the documented shape", async () => {
    const cases: [string, number, string][] = [
      ['HELLO\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      [
        'POST /webhooks/raw HTTP/1.1\r\nHost: x\r\nBad Header: y\r\nContent-Length: 2\r\n\r\n{}',
        400,
        'MALFORMED_REQUEST',
      ],
      [
        'POST /webhooks/raw HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\nContent-Length: 2\r\n\r\n{}',
        400,
        'MALFORMED_REQUEST',
      ],
      [
        'POST /webhooks/raw HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}',
        400,
        'MALFORMED_REQUEST',
      ],
      [
        'POST /webhooks/raw HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
        'MALFORMED_REQUEST',
      ],
      [
        'GET /webhooks/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        400,
        'MALFORMED_REQUEST',
      ],
      [
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'HEADERS_TOO_LARGE',
      ],
    ];
    for (const [text, status, code] of cases)
      documented(await rawRequest(port, text), status, code);
  });

  it('accepts every content type on a webhook route and stores it as received (docs/errors.md)', async () => {
    const types = [
      'foo',
      ';;;;',
      'application/json; charset=ünï',
      'text/plain;;q',
      '',
      'a/b/c',
      'multipart/form-data',
    ];
    for (const type of types) {
      const body = `{"t":${JSON.stringify(type)}}`;
      const answer = await rawRequest(
        port,
        `POST /webhooks/raw HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      assert.equal(answer.status, 200, `${JSON.stringify(type)}: ${answer.body}`);
      const { eventId } = (JSON.parse(answer.body) as { data: { eventId: string } }).data;
      const stored = await gw.store.eventGet({ id: eventId });
      assert.equal(stored?.body.toString(), body);
      assert.equal(
        stored?.headers['content-type'],
        // Header bytes are read as Latin-1 by Node; the socket sent the text as UTF-8.
        Buffer.from(type, 'utf8').toString('latin1'),
      );
    }
    // The admin API takes JSON: another content type there is a 415, in the documented shape.
    const admin = await rawRequest(
      port,
      `POST /admin/deliveries/requeue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminToken}\r\nContent-Type: foo\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    documented(admin, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
