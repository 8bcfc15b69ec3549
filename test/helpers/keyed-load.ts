import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { signedJsonHeaders } from './process.ts';
import type { Received } from './receiver.ts';

/** What an ordered event carries: its key and its place in the key's order. */
export interface KeyedBody {
  readonly order_id: string;
  readonly seq: number;
}

export const keyedBody = (r: Received): KeyedBody => JSON.parse(r.body.toString()) as KeyedBody;

/**
 * Posts signed events `{"order_id": "<prefix>-<k>", "seq": n}` for `keys` keys at once, each key
 * one event after another (the next is sent only once the previous was answered 200, as a
 * provider that wants its order kept does), to the gateways in turn, until stopped.
 */
export class KeyedLoad {
  /** Per key, the seqs answered 200, in the order they were sent. */
  readonly acked = new Map<string, number[]>();
  private running = true;
  private sent = 0;
  private readonly agent = new Agent({ connections: 16 });
  private readonly done: Promise<void>;

  constructor(
    private readonly urls: readonly string[],
    private readonly secret: string,
    prefix: string,
    keys: number,
    private readonly path = '/webhooks/orders',
  ) {
    this.done = Promise.all(
      Array.from({ length: keys }, (_, k) => this.loop(`${prefix}-${k}`)),
    ).then(() => undefined);
  }

  get count(): number {
    return [...this.acked.values()].reduce((n, seqs) => n + seqs.length, 0);
  }

  private async loop(key: string): Promise<void> {
    let seq = 0;
    while (this.running) {
      const body = JSON.stringify({ order_id: key, seq });
      const url = this.urls[this.sent++ % this.urls.length] as string;
      try {
        const res = await request(`${url}${this.path}`, {
          method: 'POST',
          headers: signedJsonHeaders(this.secret, body),
          body,
          dispatcher: this.agent,
        });
        await res.body.dump();
        if (res.statusCode === 200) {
          this.acked.set(key, [...(this.acked.get(key) ?? []), seq]);
          seq += 1;
        }
      } catch {
        // Not stored: the same seq is sent again, as a provider's retry would.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    await this.agent.close();
  }
}

/**
 * For every key: what the receiver answered 2xx is exactly the acknowledged order, and nothing of
 * a key arrived before the previous one of it was delivered (a repeat of the same event, at least
 * once, is allowed only where it was not yet delivered).
 */
export function assertKeyOrder(
  received: readonly Received[],
  acked: ReadonlyMap<string, readonly number[]>,
  delivered: (r: Received, index: number) => boolean,
): void {
  const got = new Map<string, number[]>();
  const last = new Map<string, number>();
  received.forEach((r, i) => {
    const { order_id, seq } = keyedBody(r);
    const before = last.get(order_id) ?? -1;
    assert.ok(
      seq === before || seq === before + 1,
      `${order_id}: event ${seq} arrived after event ${before}`,
    );
    last.set(order_id, seq);
    if (delivered(r, i)) got.set(order_id, [...(got.get(order_id) ?? []), seq]);
  });
  for (const [key, seqs] of acked) {
    const once = (got.get(key) ?? []).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    assert.deepEqual(once, seqs, `${key} delivered out of order or incompletely`);
  }
}
