import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client } from 'undici';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../helpers/gateway.ts';
import { signedJsonHeaders, spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');

interface Outcome {
  readonly status?: number;
  readonly connectionClose?: boolean;
  readonly eventId?: string;
  readonly error?: string;
}

/**
 * One provider on one keep-alive connection, sending signed webhooks back to back until it is
 * answered 503 (then it backs off, as providers do) or `stop()`; each request's outcome kept.
 */
function provider(url: string, name: string, outcomes: Outcome[]) {
  const client = new Client(url, { pipelining: 1 });
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      const body = JSON.stringify({ id: `${name}-${n++}`, padding: 'x'.repeat(500) });
      try {
        const res = await client.request({
          method: 'POST',
          path: '/webhooks/load',
          headers: signedJsonHeaders(secret, body),
          body,
        });
        const text = await res.body.text();
        const outcome: Outcome = {
          status: res.statusCode,
          connectionClose: res.headers.connection === 'close',
          ...(res.statusCode === 200
            ? { eventId: (JSON.parse(text) as { data: { eventId: string } }).data.eventId }
            : {}),
        };
        outcomes.push(outcome);
        if (res.statusCode === 503) break;
      } catch (err) {
        const e = err as { code?: string; cause?: { code?: string } };
        outcomes.push({ error: e.cause?.code ?? e.code ?? String(err) });
        break;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      await client.close();
    },
  };
}

/** Starts a request whose body arrives in two halves; `finish()` sends the rest. */
function slowRequest(url: string) {
  const body = JSON.stringify({ id: 'slow-in-flight', padding: 'y'.repeat(2000) });
  const { port } = new URL(url);
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/webhooks/load',
    headers: { ...signedJsonHeaders(secret, body), 'content-length': Buffer.byteLength(body) },
  });
  const answered = once(req, 'response').then(async ([res]) => {
    const chunks: Buffer[] = [];
    for await (const c of res as AsyncIterable<Buffer>) chunks.push(c);
    return {
      status: (res as { statusCode: number }).statusCode,
      text: Buffer.concat(chunks).toString(),
    };
  });
  const sent = new Promise<void>((resolve) => req.write(body.slice(0, 1000), () => resolve()));
  return {
    sent,
    answered,
    finish: () => req.end(body.slice(1000)),
  };
}

describe('graceful stop under load', () => {
  it('answers every request 200 or 503 (Connection: close), never resets one, never cuts one in flight, and keeps every 200', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'stop.db');
    const file = writeConfig(dir, {
      storage: { url: `sqlite:${dbFile}` },
      server: { shutdownTimeout: '20s' },
      sources: [
        {
          name: 'load',
          provider: 'generic-hmac',
          secrets: [secret],
          options: { eventIdPath: 'id' },
        },
      ],
    });
    const gateway = await spawnGateway(file, dir);
    const outcomes: Outcome[] = [];
    const providers = Array.from({ length: 24 }, (_, i) =>
      provider(gateway.url, `p${i}`, outcomes),
    );
    await eventually(() => outcomes.filter((o) => o.status === 200).length >= 300, 20_000);
    const slow = slowRequest(gateway.url);
    // The slow request is in flight (its headers are in) before the stop begins: it was written,
    // and every provider has made about one more round trip since.
    await slow.sent;
    const before = outcomes.length;
    await eventually(() => outcomes.length >= before + providers.length, 20_000);
    gateway.child.kill('SIGTERM');
    // The stop is under way: the providers are being answered 503.
    await eventually(() => outcomes.some((o) => o.status === 503), 20_000);
    // Connections that arrive now are answered too, not refused, until the slow one is done.
    const late: Outcome[] = [];
    const latecomer = provider(gateway.url, 'late', late);
    await eventually(() => late.length > 0, 20_000);
    slow.finish();
    const answer = await slow.answered;
    const exit = await gateway.exited;
    await Promise.all([...providers, latecomer].map((p) => p.stop()));

    assert.equal(answer.status, 200, `the request in flight was cut: ${answer.text}`);
    assert.deepEqual(
      late.map((o) => [o.status, o.connectionClose]),
      [[503, true]],
    );
    const errors = outcomes.filter((o) => o.error !== undefined);
    assert.deepEqual(errors, [], 'a request got a socket error instead of an answer');
    const statuses = new Set(outcomes.map((o) => o.status));
    assert.deepEqual([...statuses].sort(), [200, 503]);
    for (const o of outcomes.filter((x) => x.status === 503))
      assert.equal(o.connectionClose, true, 'a 503 while draining closes its connection');
    assert.equal(exit, 0, gateway.output());

    const store = new SqliteStore({ path: dbFile });
    try {
      const stored = new Set((await store.eventList({ limit: 1_000_000 })).map((e) => e.id));
      const acked = outcomes.flatMap((o) => (o.eventId ? [o.eventId] : []));
      const slowId = (JSON.parse(answer.text) as { data: { eventId: string } }).data.eventId;
      for (const id of [...acked, slowId])
        assert.ok(stored.has(id), `acknowledged ${id} is not stored`);
    } finally {
      await store.close();
    }
  });
});
