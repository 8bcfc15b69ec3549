import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errorText } from '../domain/error-text.ts';
import type { EventFeed } from './event-feed.ts';
import { sseFrame, ssePing } from './sse.ts';

export interface StreamTiming {
  /** Between store reads. */
  readonly pollMs: number;
  /** Between `: ping` comments. */
  readonly pingMs: number;
}

/** One open stream: its feed, its response, its timers. */
class OpenStream {
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly pingTimer: NodeJS.Timeout;
  private reading = false;
  private closed = false;
  /** When a write last found the socket's buffer full (a peer that stopped reading). */
  private stalledSince: number | undefined;
  private failing = false;

  constructor(
    private readonly feed: EventFeed,
    private readonly res: ServerResponse,
    private readonly timing: StreamTiming,
    private readonly logger: Logger,
    private readonly onClose: () => void,
  ) {
    res.once('close', () => this.stop());
    if (res.destroyed) queueMicrotask(() => this.stop());
    this.pingTimer = setInterval(() => this.ping(), timing.pingMs);
    this.pingTimer.unref();
    this.schedule(0);
  }

  /** Reads now if it is waiting for its next poll (a local commit made events). */
  wake(): void {
    if (!this.reading && !this.closed) this.schedule(0);
  }

  end(): void {
    if (!this.closed) this.res.end();
    this.stop();
  }

  private schedule(ms: number): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.read(), ms);
    this.pollTimer.unref();
  }

  private async read(): Promise<void> {
    if (this.closed || this.reading) return;
    // Backpressure: a client still reading what was sent gets nothing more until it has; one
    // that never does is cut by ping().
    if (this.res.writableNeedDrain) {
      this.schedule(this.timing.pollMs);
      return;
    }
    this.reading = true;
    let more = false;
    try {
      const items = await this.feed.read();
      more = this.feed.behind;
      if (this.failing) this.logger.info('event stream: the store answers again');
      this.failing = false;
      for (const item of items) {
        if (this.closed) return;
        this.write(sseFrame({ id: item.position, event: 'event', data: item.event }));
      }
    } catch (err) {
      // The store is down: the stream stays open and reads again at the next poll.
      if (!this.failing)
        this.logger.warn({ error: errorText(err) }, 'event stream: cannot read the store');
      this.failing = true;
    } finally {
      this.reading = false;
    }
    // A resume from far back reads on at once until it has caught up.
    if (!this.closed) this.schedule(more ? 0 : this.timing.pollMs);
  }

  private write(text: string): void {
    if (!this.res.write(text)) this.stalledSince ??= Date.now();
    else if (!this.res.writableNeedDrain) this.stalledSince = undefined;
  }

  /**
   * A peer that stopped reading (gone without a FIN, or stuck) fills the socket's buffer: after
   * two ping intervals of that, the connection is cut and its resources freed.
   */
  private ping(): void {
    if (this.res.writableNeedDrain) {
      if (
        this.stalledSince !== undefined &&
        Date.now() - this.stalledSince > 2 * this.timing.pingMs
      ) {
        this.res.destroy();
        return;
      }
    } else this.stalledSince = undefined;
    this.write(ssePing);
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pollTimer);
    clearInterval(this.pingTimer);
    this.onClose();
  }
}

/** The open live event streams: woken by local commits, ended when the gateway stops. */
export class EventStreams {
  private readonly open = new Set<OpenStream>();
  /** Set by endAll: the gateway is stopping, and a stream asked for now would keep it waiting. */
  private stopping = false;

  constructor(
    private readonly timing: StreamTiming,
    private readonly logger: Logger,
  ) {}

  /** Whether new streams are refused (the gateway is stopping). */
  get refusing(): boolean {
    return this.stopping;
  }

  /** How many streams are open (a closed connection's stream is gone at once). */
  get size(): number {
    return this.open.size;
  }

  /** Sends `feed` on `res` (headers already written) until the client goes or the gateway stops. */
  serve(feed: EventFeed, res: ServerResponse): void {
    if (this.stopping) {
      res.end();
      return;
    }
    const stream: OpenStream = new OpenStream(feed, res, this.timing, this.logger, () =>
      this.open.delete(stream),
    );
    this.open.add(stream);
  }

  wake(): void {
    for (const stream of this.open) stream.wake();
  }

  /**
   * Ends every stream and refuses new ones (a graceful stop must not wait for clients that never
   * hang up, nor for one that reconnects while the gateway drains).
   */
  endAll(): void {
    this.stopping = true;
    for (const stream of [...this.open]) stream.end();
  }
}
