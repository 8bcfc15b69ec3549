import pg from 'pg';
import type { DueListener, DueListenParams } from '../store.ts';

const firstRetryMs = 250;
const maxRetryMs = 5_000;

/**
 * LISTEN on one channel over a dedicated connection (a pooled one would be handed to queries),
 * reconnecting with capped backoff when the database goes away. After each (re)connect it calls
 * `onDue` once: notifications sent while it was away are lost, so look for due work anyway.
 * Hand-written (≈50 lines) because pg-listen, the library for this, is unmaintained since 2021.
 */
export function listenForDue(
  connection: pg.ClientConfig,
  channel: string,
  params: DueListenParams,
): DueListener {
  let client: pg.Client | undefined;
  let closed = false;
  let connected = false;
  let retryMs = firstRetryMs;
  let timer: NodeJS.Timeout | undefined;

  const lost = (err?: Error) => {
    if (closed) return;
    if (connected) params.onConnection?.(false, err);
    connected = false;
    const dead = client;
    client = undefined;
    dead?.removeAllListeners();
    dead?.on('error', () => undefined);
    void dead?.end().catch(() => undefined);
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, maxRetryMs);
  };

  const connect = () => {
    if (closed) return;
    const c = new pg.Client(connection);
    client = c;
    c.on('notification', () => params.onDue());
    c.on('error', lost);
    c.on('end', () => (client === c ? lost(new Error('connection ended')) : undefined));
    c.connect()
      .then(() => c.query(`LISTEN ${channel}`))
      .then(() => {
        if (closed || client !== c) return;
        connected = true;
        retryMs = firstRetryMs;
        params.onConnection?.(true);
        params.onDue();
      })
      .catch((err: Error) => (client === c ? lost(err) : undefined));
  };

  connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      c?.removeAllListeners();
      c?.on('error', () => undefined);
      await c?.end().catch(() => undefined);
    },
  };
}
