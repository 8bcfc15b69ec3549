import { Agent, request } from 'undici';
import { signedJsonHeaders } from './process.ts';

export interface Sent {
  readonly orderId: string;
  readonly status: number;
  /** When the answer came (ms since epoch). */
  readonly at: number;
}

/**
 * Posts signed orders (`{"order_id": "<prefix>-<n>"}`, each unique) to the gateways in turn,
 * `concurrency` at a time, until stopped; every answer is kept. A connection error counts as 0.
 */
export class OrderLoad {
  readonly sent: Sent[] = [];
  private running = true;
  private next = 0;
  private readonly agent = new Agent({ connections: 8 });
  private readonly done: Promise<void>;

  constructor(
    private readonly urls: readonly string[],
    private readonly secret: string,
    private readonly prefix: string,
    concurrency = 4,
  ) {
    this.done = Promise.all(Array.from({ length: concurrency }, () => this.loop())).then(
      () => undefined,
    );
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const n = this.next++;
      const orderId = `${this.prefix}-${n}`;
      const body = JSON.stringify({ order_id: orderId });
      const url = this.urls[n % this.urls.length] as string;
      let status = 0;
      try {
        const res = await request(`${url}/webhooks/orders`, {
          method: 'POST',
          headers: signedJsonHeaders(this.secret, body),
          body,
          dispatcher: this.agent,
        });
        status = res.statusCode;
        await res.body.dump();
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
      this.sent.push({ orderId, status, at: Date.now() });
    }
  }

  /** Order ids that were answered 200: each must reach the destination. */
  acknowledged(): Set<string> {
    return new Set(this.sent.filter((s) => s.status === 200).map((s) => s.orderId));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    await this.agent.close();
  }
}
