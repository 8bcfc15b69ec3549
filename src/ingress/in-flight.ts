import type { ServerResponse } from 'node:http';

/**
 * The requests in flight, for a graceful stop. Once draining, every response closes its
 * connection (`Connection: close`, so a keep-alive client does not send its next request on a
 * connection about to close), and `drain()` resolves when the requests that began before it are
 * answered: none is cut. Requests that begin while draining are answered 503 by their routes.
 */
export class InFlight {
  private readonly open = new Set<ServerResponse>();
  private draining = false;
  private settled: (() => void) | undefined;

  /** Called for every request as it arrives. */
  track(response: ServerResponse): void {
    if (this.draining) {
      response.setHeader('connection', 'close');
      return;
    }
    this.open.add(response);
    response.once('close', () => {
      this.open.delete(response);
      if (this.draining && this.open.size === 0) this.settled?.();
    });
  }

  get size(): number {
    return this.open.size;
  }

  /** Resolves once every request that began before this call is answered (or gone). */
  drain(): Promise<void> {
    this.draining = true;
    for (const response of this.open)
      if (!response.headersSent) response.setHeader('connection', 'close');
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.settled;
      this.settled = () => {
        previous?.();
        resolve();
      };
    });
  }
}
