import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Node's response being written on a connection, if any (undocumented; Node's own code reads it). */
function responseOn(socket: Socket): ServerResponse | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

/**
 * The requests in flight, for a graceful stop. Once draining, every response closes its
 * connection (`Connection: close`, so a keep-alive client does not send its next request on a
 * connection about to close), and `drain()` resolves when the requests that began before it are
 * answered: none is cut. Requests that begin while draining are answered 503 by their routes.
 *
 * Connections are tracked, not requests: a listener per request measured ~10 µs of CPU per
 * webhook; a kept-alive connection carries many. At drain, each connection's response in
 * progress is the request in flight on it.
 */
export class InFlight {
  private readonly sockets = new Set<Socket>();
  private draining = false;

  /** Follows the connections `server` accepts. */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Called for every request as it arrives: only while draining is there anything to do. */
  arrived(response: ServerResponse): void {
    if (this.draining) response.setHeader('connection', 'close');
  }

  /** Resolves once every request that began before this call is answered (or gone). */
  async drain(): Promise<void> {
    this.draining = true;
    const answered: Promise<unknown>[] = [];
    for (const socket of this.sockets) {
      const response = responseOn(socket);
      if (response === undefined || response.writableFinished) continue;
      if (!response.headersSent) response.setHeader('connection', 'close');
      answered.push(new Promise((resolve) => response.once('close', resolve)));
    }
    await Promise.all(answered);
  }
}
