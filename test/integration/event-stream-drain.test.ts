import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { startTestGateway } from '../helpers/gateway.ts';
import { eventually } from '../helpers/receiver.ts';
import { openSse } from '../helpers/sse.ts';

const adminToken = randomBytes(16).toString('hex');
const auth = { authorization: `Bearer ${adminToken}` };

/**
 * Found by the dashboard's live tail across a restart: a client that reconnects while the gateway
 * drains (it still listens then) got a stream nobody would end, so the stop waited for its whole
 * shutdown timeout and exited 1. Streams asked for once the stop began are refused with 503.
 */
describe('the live event stream and a graceful stop', () => {
  it('ends open streams and refuses new ones while draining: the drain does not wait on them', async () => {
    const gw = await startTestGateway(
      {
        admin: { token: '${ADMIN_TOKEN}' },
        delivery: { enabled: false },
        sources: [{ name: 'shop', provider: 'none' }],
        destinations: [],
        routes: [],
      },
      { ADMIN_TOKEN: adminToken },
    );
    const base = await gw.app.http.listen({ host: '127.0.0.1', port: 0 });
    const sockets = new Set<Socket>();
    gw.app.http.server.on('connection', (socket: Socket) => sockets.add(socket));
    /** Connections with a response under way (Node's own field, as src/ingress/in-flight.ts reads). */
    const responding = () =>
      [...sockets].filter((s) => (s as Socket & { _httpMessage?: unknown })._httpMessage).length;
    const open = await openSse(`${base}/admin/events/stream`, auth);
    assert.equal(open.status, 200);
    // A webhook whose body is still coming: in flight, so the draining gateway keeps listening.
    const slow = httpRequest(`${base}/webhooks/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '2' },
    });
    const answered = new Promise<number>((resolve, reject) => {
      slow.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      slow.on('error', reject);
    });
    slow.write('{');
    await eventually(() => responding() === 2);
    // drain() ends the streams at once, then waits for requests in flight, still listening.
    const drained = gw.app.drain(1000);
    await open.ended;
    const late = await request(`${base}/admin/events/stream`, { headers: auth });
    assert.equal(late.statusCode, 503);
    assert.equal(
      ((await late.body.json()) as { error: { code: string } }).error.code,
      'UNAVAILABLE',
    );
    slow.end('}');
    await answered;
    await drained;
    assert.equal(gw.app.eventStreams.size, 0);
    await gw.store.close();
  });
});
