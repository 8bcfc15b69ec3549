import type Database from 'better-sqlite3';
import { indexedFilterSql, queryWords, type Args } from '../event-filter.ts';
import { toSummary, type EventRow } from '../rows.ts';
import type { EventFilter, EventPage, SearchCount, SearchCursor, SearchOrder } from '../search.ts';
import { encodeCursor } from '../search.ts';
import { SearchPlanner, type SearchBackend } from '../search-planner.ts';
import { ftsPhrase } from '../search-text.ts';

const dialect: SearchBackend['dialect'] = {
  placeholder: () => '?',
  typeColumn: 'e.event_type',
  tiebreak: 'e.rowid',
  tiebreakValue: Number,
  tiebreakPattern: /^\d+$/,
  bodyBytes: 'length(e.body)',
};

/** Counted exactly up to this many through a covering index (~10 ms); past it, estimated. */
const countCeiling = 20_000;
/** Body matches a page of a text search looks at (FTS5 gives them newest first, cheaply). */
const textBudget = 2_000;
/** Body matches a count of a text search with other filters looks at to estimate. */
const textCountWindow = 5_000;

type Row = Omit<EventRow, 'body'> & { body_bytes: number; tb: number };

/**
 * Event search on SQLite: the shared planner (search-planner.ts) over the indexes of migration
 * 0007, and body text through FTS5. FTS5 walks its matches newest first (by rowid, which is
 * arrival order) in microseconds but checking one event against it costs ~0.5 ms, so a text
 * search is driven by its matches: results in arrival order, `textBudget` matches per page. The
 * index itself is built by SearchIndex (search-index.ts), off the event loop.
 */
export class EventSearch {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly planner: SearchPlanner;

  /** `db`: a connection with the events as `main` and the search index attached as `search`. */
  constructor(private readonly db: Database.Database) {
    this.planner = new SearchPlanner({
      dialect,
      all: <T>(sql: string, args: Args) => Promise.resolve(this.all<T>(sql, args)),
      estimate: (whereSql, args, _cap, filter) =>
        Promise.resolve(this.estimate(whereSql, args, filter)),
      lookupSet: (column, value, args) => {
        args.push(value);
        return `SELECT e.id FROM search.event_keys k JOIN events e ON e.rowid = k.event_rowid
          WHERE k.${column} = ?`;
      },
    });
  }

  /** Prepared once per distinct text: a filter combination is one of a few hundred shapes. */
  private all<T>(sql: string, args: Args): T[] {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt.all(...args) as T[];
  }

  private countUpTo(select: string, args: Args, cap: number): number {
    return (
      this.all<{ n: number }>(`SELECT count(*) AS n FROM (${select} LIMIT ${cap + 1})`, args)[0]
        ?.n ?? 0
    );
  }

  /**
   * Counted exactly up to `countCeiling` (a covering index: ~4 ms). Past it, the newest
   * `countCeiling` matches span some time; the same density over the filter's whole time range
   * (the store's first and last arrival when it has no bounds) is the estimate.
   */
  private estimate(whereSql: string, args: Args, filter: EventFilter): SearchCount {
    const row = this.all<{ n: number; oldest: number; newest: number }>(
      `SELECT count(*) AS n, min(received_at) AS oldest, max(received_at) AS newest FROM (
         SELECT e.received_at FROM events e ${whereSql}
         ORDER BY e.received_at DESC, e.rowid DESC LIMIT ${countCeiling + 1})`,
      args,
    )[0];
    if (row === undefined || row.n <= countCeiling) return { count: row?.n ?? 0, exact: true };
    const span = this.all<{ first: number; last: number }>(
      // Two subqueries: SQLite answers a lone min() or max() from the index end, not both at once.
      `SELECT (SELECT min(received_at) FROM events) AS first,
         (SELECT max(received_at) FROM events) AS last`,
      [],
    )[0];
    const from = filter.since ?? span?.first ?? row.oldest;
    const to = Math.min(filter.until ?? Infinity, (span?.last ?? row.newest) + 1);
    const density = row.n / Math.max(1, row.newest - row.oldest);
    return { count: Math.max(row.n, Math.round(density * (to - from))), exact: false };
  }

  search(
    filter: EventFilter,
    limit: number,
    before: string | undefined,
    order: SearchOrder = 'desc',
  ): Promise<EventPage> {
    const cursor = this.planner.decode(before);
    const words = queryWords(filter);
    if (words) return Promise.resolve(this.textSearch(filter, words, limit, cursor, order));
    return this.planner.search(filter, limit, cursor, undefined, order);
  }

  count(filter: EventFilter, cap: number): Promise<SearchCount> {
    const words = queryWords(filter);
    if (words) return Promise.resolve(this.textCount(filter, words));
    return this.planner.count(filter, cap);
  }

  /**
   * The rowids a text search walks: below the cursor, and within the received-time window (the
   * window's first and last arrival, read from its index; each event is still checked exactly).
   */
  private rowidRange(
    filter: EventFilter,
    cursor: SearchCursor | undefined,
    order: SearchOrder = 'desc',
  ) {
    let lo = cursor && order === 'asc' ? Number(cursor.tiebreak) + 1 : 0;
    let hi = cursor && order === 'desc' ? Number(cursor.tiebreak) - 1 : Number.MAX_SAFE_INTEGER;
    if (filter.since !== undefined || filter.until !== undefined) {
      const args: Args = [];
      const where = indexedFilterSql({ since: filter.since, until: filter.until }, dialect, args);
      const row = this.all<{ lo: number | null; hi: number | null }>(
        `SELECT min(e.rowid) AS lo, max(e.rowid) AS hi FROM events e WHERE ${where.join(' AND ')}`,
        args,
      )[0];
      if (row?.lo == null || row.hi == null) return undefined;
      lo = Math.max(lo, row.lo);
      hi = Math.min(hi, row.hi);
    }
    return lo <= hi ? { lo, hi } : undefined;
  }

  private matches(
    words: readonly string[],
    range: { lo: number; hi: number },
    limit: number,
    order: SearchOrder = 'desc',
  ) {
    return this.all<{ rowid: number }>(
      `SELECT rowid FROM search.events_fts WHERE events_fts MATCH ? AND rowid BETWEEN ? AND ?
       ORDER BY rowid ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT ${limit}`,
      [ftsPhrase(words), range.lo, range.hi],
    ).map((r) => r.rowid);
  }

  /** The other filters, checked on the events whose rowids are in `?` (a JSON array). */
  private others(filter: EventFilter, args: Args): string {
    const where = ['e.rowid IN (SELECT value FROM json_each(?))'];
    where.push(...indexedFilterSql({ ...filter, q: undefined }, dialect, args));
    for (const residual of this.planner.residuals({ ...filter, q: undefined }))
      where.push(residual.condition(args));
    return where.join(' AND ');
  }

  private textSearch(
    filter: EventFilter,
    words: readonly string[],
    limit: number,
    cursor: SearchCursor | undefined,
    order: SearchOrder,
  ): EventPage {
    const range = this.rowidRange(filter, cursor, order);
    const candidates = range ? this.matches(words, range, textBudget, order) : [];
    if (candidates.length === 0) return { events: [], next: null };
    const args: Args = [JSON.stringify(candidates)];
    const where = this.others(filter, args);
    const rows = this.all<Row>(
      `SELECT e.id, e.source, e.provider, e.provider_event_id, e.event_type, e.request_id,
         e.client_ip, e.method, e.url, e.headers, e.received_at, e.duplicate_count,
         e.last_duplicate_at, length(e.body) AS body_bytes, e.rowid AS tb
       FROM events e WHERE ${where} ORDER BY e.rowid ${order === 'asc' ? 'ASC' : 'DESC'}
       LIMIT ${limit}`,
      args,
    );
    const last = rows.at(-1);
    let next: SearchCursor | undefined;
    if (rows.length === limit && last)
      next = { receivedAt: last.received_at, tiebreak: String(last.tb) };
    else if (candidates.length === textBudget)
      next = { receivedAt: 0, tiebreak: String(candidates.at(-1)) };
    return { events: rows.map(toSummary), next: next ? encodeCursor(next) : null };
  }

  private textCount(filter: EventFilter, words: readonly string[]): SearchCount {
    const range = this.rowidRange(filter, undefined);
    if (!range) return { count: 0, exact: true };
    // The newest `countCeiling` matches, counted; past them, the same density of matches per
    // rowid (arrival) over the rest of the range is the estimate.
    const newest = this.all<{ n: number; oldest: number | null; newest: number | null }>(
      `SELECT count(*) AS n, min(rowid) AS oldest, max(rowid) AS newest FROM (
         SELECT rowid FROM search.events_fts WHERE events_fts MATCH ? AND rowid BETWEEN ? AND ?
         ORDER BY rowid DESC LIMIT ${countCeiling + 1})`,
      [ftsPhrase(words), range.lo, range.hi],
    )[0];
    let total = newest?.n ?? 0;
    if (total > countCeiling && newest?.oldest != null && newest.newest != null) {
      const first = Math.max(
        range.lo,
        this.all<{ lo: number }>('SELECT min(rowid) AS lo FROM events', [])[0]?.lo ?? 0,
      );
      const span = newest.newest - first + 1;
      total = Math.round((total * span) / Math.max(1, newest.newest - newest.oldest + 1));
    }
    const window = this.matches(words, range, textCountWindow);
    const args: Args = [JSON.stringify(window)];
    const matched =
      this.all<{ n: number }>(
        `SELECT count(*) AS n FROM events e WHERE ${this.others(filter, args)}`,
        args,
      )[0]?.n ?? 0;
    if ((newest?.n ?? 0) <= window.length) return { count: matched, exact: true };
    return { count: Math.round((matched / window.length) * total), exact: false };
  }
}
