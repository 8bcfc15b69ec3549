import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type Behaviour = (
  received: Received,
  count: number,
) => {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Called once the answer is written, or the connection gone (tests that count requests in flight). */
  onSent?: () => void;
};

const okBehaviour: Behaviour = () => ({ status: 200, body: '{"ok":true}' });

/** A real HTTP destination on loopback that records what it gets and answers per path. */
export class Receiver {
  readonly received: Received[] = [];
  private readonly server: Server;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly counts = new Map<string, number>();

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const got: Received = { path, headers: req.headers, body: Buffer.concat(chunks) };
        this.received.push(got);
        const count = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, count);
        const answer = (this.behaviours.get(path) ?? okBehaviour)(got, count);
        if (answer.onSent) res.once('close', answer.onSent);
        const reply = () => {
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(answer.body ?? '');
        };
        if (answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
  }

  on(path: string, behaviour: Behaviour): this {
    this.behaviours.set(path, behaviour);
    return this;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
