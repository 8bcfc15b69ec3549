/** Event search: the filter, its results and their cursor (the same on every engine). */
import type { DeliveryState } from '../domain/delivery-state.ts';
import type { StoredEvent } from './records.ts';

export interface EventFilter {
  /** The tenant's events only (src/domain/tenant.ts); set from the admin token, never a query. */
  readonly tenant?: string | undefined;
  readonly source?: string | undefined;
  readonly provider?: string | undefined;
  readonly eventType?: string | undefined;
  readonly eventTypePrefix?: string | undefined;
  readonly providerEventId?: string | undefined;
  readonly requestId?: string | undefined;
  /** Events having a delivery in this state (to `destination`, when both are given). */
  readonly state?: DeliveryState | undefined;
  /** Events having a delivery to this destination. */
  readonly destination?: string | undefined;
  /** Body text: its words (src/store/search-text.ts), in order, next to each other. */
  readonly q?: string | undefined;
  /** Received at or after (ms). */
  readonly since?: number | undefined;
  /** Received before (ms). */
  readonly until?: number | undefined;
}

/** An event without its body (a page of 500 bodies of 1 MiB would be 500 MiB). */
export interface EventSummary extends Omit<StoredEvent, 'body'> {
  readonly bodyBytes: number;
}

export interface EventPage {
  readonly events: EventSummary[];
  /**
   * Pass as `before` for the next page (in the same order); null when nothing further matches.
   */
  readonly next: string | null;
}

/** Newest first (`desc`: the search's), or oldest first (`asc`: bulk replay jobs). */
export type SearchOrder = 'desc' | 'asc';

export interface SearchCount {
  readonly count: number;
  /** False: there are at least `count` (the cap was reached). */
  readonly exact: boolean;
}

/** Where a page ends: the last row's arrival time and its tiebreak (id, or SQLite's rowid). */
export interface SearchCursor {
  readonly receivedAt: number;
  readonly tiebreak: string;
}

export class InvalidCursorError extends Error {}

/** `<receivedAt>.<tiebreak>`: opaque to callers, stable while rows are added or pruned. */
export function encodeCursor(c: SearchCursor): string {
  return `${c.receivedAt}.${c.tiebreak}`;
}

export function decodeCursor(text: string, tiebreak: RegExp): SearchCursor {
  const dot = text.indexOf('.');
  const receivedAt = Number(text.slice(0, dot));
  const rest = text.slice(dot + 1);
  if (dot <= 0 || !Number.isSafeInteger(receivedAt) || !tiebreak.test(rest))
    throw new InvalidCursorError('before: not a cursor from a previous page');
  return { receivedAt, tiebreak: rest };
}
