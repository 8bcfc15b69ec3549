import { setTimeout as sleep } from 'node:timers/promises';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request } from 'undici';
import { errorCode, errorText } from '../domain/error-text.ts';
import { query, refusal, tokenOf, unreachable } from './admin-client.ts';
import { CliError } from './cli-error.ts';
import type { Connection } from './options.ts';

/** An event as the stream sends it (the search's summary). */
export interface StreamedEvent {
  readonly id: string;
  readonly source: string;
  readonly provider: string;
  readonly eventType: string | null;
  readonly receivedAt: number;
  readonly bodyBytes: number;
  readonly method: string;
  readonly headers: Record<string, string>;
}

export interface FollowOptions {
  readonly connection: Connection;
  readonly source?: string | undefined;
  /** Start after this event (as Last-Event-ID); absent: from now. */
  readonly after?: string | undefined;
  /** Handled one at a time, in the stream's order; the position moves on once it resolves. */
  readonly onEvent: (event: StreamedEvent) => Promise<void>;
  /** Connected, lost, reconnecting: for people (stderr). */
  readonly onStatus: (line: string) => void;
  /** No byte (not even a ping) for this long: the connection is taken for dead and made again. */
  readonly idleMs: number;
  readonly signal: AbortSignal;
}

const firstBackoffMs = 250;
const maxBackoffMs = 10_000;

/**
 * Follows GET /admin/events/stream until `signal` aborts: each event is handled before the next
 * is read, and after a drop (network, gateway restart, idle timeout) it reconnects with a growing
 * backoff and `Last-Event-ID` set to the stream position of the last event handled, so the
 * gateway sends what came since: nothing lost, nothing twice. Ids already handled are also
 * remembered (an event sent late by the gateway carries the position, not its own id).
 * A refused token, a bad request, or no gateway at the first try ends it with a CliError;
 * anything else is retried.
 */
export async function followEvents(o: FollowOptions): Promise<void> {
  const token = tokenOf(o.connection);
  let position = o.after;
  let failures = 0;
  let connectedOnce = false;
  const handled = new RecentIds(10_000);
  const url = `${o.connection.url}/admin/events/stream${query({ source: o.source })}`;
  while (!o.signal.aborted) {
    const connection = new AbortController();
    const abort = () => connection.abort();
    o.signal.addEventListener('abort', abort, { once: true });
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new Error('no data (not even a ping)')), o.idleMs);
    };
    let reason = 'the gateway ended the stream';
    try {
      touch();
      const res = await request(url, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
          ...(position ? { 'last-event-id': position } : {}),
        },
        signal: connection.signal,
        bodyTimeout: 0,
      });
      if (res.statusCode !== 200) {
        const error = refusal(res.statusCode, await res.body.text());
        // A refused token, a bad filter: reconnecting would not change the answer.
        if (res.statusCode < 500) throw error;
        reason = error.message;
      } else {
        o.onStatus(
          `connected to ${o.connection.url}${position ? `, resuming after ${position}` : ''}`,
        );
        failures = 0;
        connectedOnce = true;
        const pending: EventSourceMessage[] = [];
        const parser = createParser({ onEvent: (m) => pending.push(m) });
        const decoder = new TextDecoder();
        for await (const chunk of res.body) {
          touch();
          parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
          while (pending.length > 0) {
            const message = pending.shift() as EventSourceMessage;
            if (message.event !== 'event') continue;
            const event = JSON.parse(message.data) as StreamedEvent;
            if (!handled.has(event.id)) {
              await o.onEvent(event);
              handled.add(event.id);
            }
            if (message.id) position = message.id;
          }
        }
      }
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (o.signal.aborted) return;
      // A wrong --url is said at once; a gateway that was there is waited for.
      if (!connectedOnce) throw unreachable(o.connection, err);
      reason =
        connection.signal.aborted && connection.signal.reason instanceof Error
          ? connection.signal.reason.message
          : (errorCode(err) ?? errorText(err));
    } finally {
      clearTimeout(idle);
      o.signal.removeEventListener('abort', abort);
    }
    if (o.signal.aborted) return;
    failures += 1;
    const wait = Math.min(maxBackoffMs, firstBackoffMs * 2 ** (failures - 1));
    // Up to a quarter less, so many listeners dropped at once do not come back at once.
    const jittered = Math.round(wait * (0.75 + Math.random() * 0.25));
    o.onStatus(`connection lost (${reason}); reconnecting in ${(jittered / 1000).toFixed(1)} s`);
    try {
      await sleep(jittered, undefined, { signal: o.signal });
    } catch {
      return;
    }
  }
}

/** The last `size` ids seen, to drop one that comes again. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly size: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.size) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }
}
