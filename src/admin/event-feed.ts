import type { EventSummary, Store } from '../store/store.ts';
import type { EventVisibility } from './visibility.ts';

/** A stream position: an event id, or `evt_` and the 12 hex digits of a millisecond. */
export const streamCursorPattern = /^evt_[0-9a-f]{12}(?:[0-9a-f]{20})?$/;

/** The creation time (ms) of an event id (UUIDv7: its first 48 bits; domain/ids.ts). */
export function idTime(id: string): number {
  return parseInt(id.slice(4, 16), 16);
}

/** Sorts before every event id made at `ms` and after every one made earlier. */
export function idBound(ms: number): string {
  return `evt_${Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0')}`;
}

/**
 * How old an event id must be before the stream sends it: configured, or 0 on SQLite (one
 * process writes, in id order) and 1 s on PostgreSQL (instances commit concurrently).
 */
export function streamSettleMs(configured: number | undefined, engine: Store['engine']): number {
  return configured ?? (engine === 'postgres' ? 1000 : 0);
}

export interface FeedOptions {
  readonly store: Store;
  readonly source?: string | undefined;
  readonly visible: EventVisibility;
  /** Where to start: the last event id the client saw (Last-Event-ID); absent: from now. */
  readonly after?: string | undefined;
  readonly settleMs: number;
  readonly overlapMs: number;
  /** Event ids are made from the system time (domain/ids.ts), so the feed reads the same clock. */
  readonly now?: () => number;
  /** Rows one store read takes; a read goes on page by page up to `maxPerRead`. */
  readonly batch?: number;
  readonly maxPerRead?: number;
}

/** One event to send, and the stream position to put on its `id:` line. */
export interface FeedItem {
  readonly position: string;
  readonly event: EventSummary;
}

/**
 * The events of the live stream, read from the store so every instance's events come through.
 *
 * Ids are time-ordered, but an id is made when a webhook arrives and becomes visible when its
 * batch commits: on PostgreSQL with several instances (or skewed clocks), an event can commit
 * after one with a larger id was already read. A plain `id > cursor` poll would skip it for good.
 * So:
 * - events are sent in id order once `settleMs` old (the usual commit delay is far below that):
 *   `position`, the largest id sent in order, then means "every event up to here was seen", and
 *   resuming after it (Last-Event-ID) sends exactly the events with larger ids, no gap, no repeat;
 * - every read also re-reads the `overlapMs` below `position` and sends what it had not sent
 *   (one that committed later than `settleMs`), out of order: its `id:` line carries `position`,
 *   not its own id, so a resume neither repeats the events between nor goes back;
 * - the ids sent within the overlap are remembered to drop them from the re-read.
 * A commit later than `overlapMs` after its id was made is not streamed (the search still finds
 * it), nor is one later than `settleMs` that commits while the client is disconnected.
 */
export class EventFeed {
  private position: string;
  /** Ids at or below `position`, within the overlap, already read (sent, or not visible). */
  private readonly seen = new Set<string>();
  private primed = false;
  private readonly now: () => number;
  private readonly batch: number;
  private readonly maxPerRead: number;

  constructor(private readonly o: FeedOptions) {
    this.now = o.now ?? Date.now;
    this.batch = o.batch ?? 200;
    this.maxPerRead = o.maxPerRead ?? 1000;
    this.position = o.after ?? idBound(this.now() - o.settleMs);
    // The client has the event it resumes after (the re-reads below stop short of it).
    this.seen.add(this.position);
  }

  /** The last read stopped at `maxPerRead`: more settled events wait. */
  behind = false;

  /** The largest position sent in order so far. */
  get cursor(): string {
    return this.position;
  }

  /** What has come since the last read: late ones first, then those now settled, in id order. */
  async read(): Promise<FeedItem[]> {
    const items: FeedItem[] = [];
    const late = await this.list(idBound(idTime(this.position) - this.o.overlapMs), this.position);
    for (const event of late) {
      if (this.seen.has(event.id)) continue;
      this.seen.add(event.id);
      // The first read only learns what was already there: the client saw it, or it is older
      // than where the client asked to start.
      if (this.primed && this.o.visible(event)) items.push({ position: this.position, event });
    }
    this.primed = true;
    const settled = idBound(this.now() - this.o.settleMs + 1);
    this.behind = false;
    for (let taken = 0; ;) {
      if (taken >= this.maxPerRead) {
        this.behind = true;
        break;
      }
      const page = await this.page(this.position, settled);
      taken += page.length;
      for (const event of page) {
        this.position = event.id;
        this.seen.add(event.id);
        if (this.o.visible(event)) items.push({ position: event.id, event });
      }
      if (page.length < this.batch) break;
    }
    this.forgetBelow(idBound(idTime(this.position) - this.o.overlapMs));
    return items;
  }

  private page(after: string, before: string): Promise<EventSummary[]> {
    if (after >= before) return Promise.resolve([]);
    return this.o.store.eventStreamList({
      after,
      before,
      source: this.o.source,
      limit: this.batch,
    });
  }

  /** Every event between the bounds, page by page. */
  private async list(after: string, before: string): Promise<EventSummary[]> {
    const all: EventSummary[] = [];
    let from = after;
    for (;;) {
      const page = await this.page(from, before);
      all.push(...page);
      const last = page.at(-1);
      if (page.length < this.batch || last === undefined) return all;
      from = last.id;
    }
  }

  private forgetBelow(floor: string): void {
    for (const id of this.seen) if (id <= floor) this.seen.delete(id);
  }
}
