/**
 * How an event search runs, the same on both engines: every page and count does a bounded amount
 * of work, whatever the filter.
 *
 * - Filters the events' own indexes answer (source, provider, type, ids, time) walk an index in
 *   result order and stop at the page's end.
 * - A filter they cannot answer (events having a delivery in a state / to a destination; body
 *   text on PostgreSQL) is first counted up to `smallSet` rows through its own index. Few: those
 *   events are read and sorted. Many: the walk above checks it on each event, looking at
 *   `pageBudget` events at most; a page can then come back short, with a `next` to go on.
 */
import { wellFormed } from './text.ts';
import {
  deliveryConditionSql,
  equalsSql,
  indexedFilterSql,
  queryWords,
  typePrefixSql,
  type Args,
  type SearchDialect,
} from './event-filter.ts';
import type { EventRow } from './rows.ts';
import { toSummary } from './rows.ts';
import {
  decodeCursor,
  encodeCursor,
  type EventFilter,
  type EventPage,
  type SearchCount,
  type SearchCursor,
  type SearchOrder,
} from './search.ts';

/** Rows a set may have to be read whole and sorted (measured: ~20 µs a row on both engines). */
export const smallSet = 500;
/** Events a page looks at when it checks a filter row by row (~2–4 µs a row). */
export const pageBudget = 10_000;
/** Events a count looks at to estimate how many match such a filter. */
const countWindow = 10_000;

/** A filter the events' indexes cannot answer: checked per event, or read as a set of ids. */
export interface Residual {
  /** The condition on event `e`. */
  condition(args: Args): string;
  /** A query of the matching events' ids (column `id`), when an index answers it. */
  set?(args: Args): string;
}

/** The columns the search indexer keeps a lookup of (off the ingest path). */
export type LookupColumn = 'request_id' | 'provider_event_id';

export interface SearchBackend {
  readonly dialect: SearchDialect & {
    /** The body's size in bytes. */
    readonly bodyBytes: string;
    /** What a cursor's tiebreak looks like. */
    readonly tiebreakPattern: RegExp;
  };
  all<T>(sql: string, args: Args): Promise<T[]>;
  /** The body text filter as a residual (PostgreSQL); SQLite searches text its own way. */
  textResidual?(words: readonly string[]): Residual;
  /** The events whose `column` is `value`, from the search indexer's lookup (column `id`). */
  lookupSet(column: LookupColumn, value: string, args: Args): string;
  /** How many events match `whereSql` (the indexed part of `filter`) when more than `cap` do. */
  estimate(whereSql: string, args: Args, cap: number, filter: EventFilter): Promise<SearchCount>;
}

type Row = Omit<EventRow, 'body'> & { body_bytes: number; tb: string | number };

export class SearchPlanner {
  private readonly order: string;
  private readonly columns: string;

  constructor(private readonly backend: SearchBackend) {
    const { tiebreak, bodyBytes } = backend.dialect;
    this.order = this.orderBy('desc');
    this.columns = `e.id, e.source, e.provider, e.provider_event_id, e.event_type, e.request_id,
      e.client_ip, e.method, e.url, e.headers, e.received_at, e.duplicate_count,
      e.last_duplicate_at, ${bodyBytes} AS body_bytes, ${tiebreak} AS tb`;
  }

  private orderBy(order: SearchOrder): string {
    const { tiebreak } = this.backend.dialect;
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    return `ORDER BY e.received_at ${dir}, ${tiebreak} ${dir}`;
  }

  decode(before: string | undefined): SearchCursor | undefined {
    return before === undefined
      ? undefined
      : decodeCursor(before, this.backend.dialect.tiebreakPattern);
  }

  /**
   * The filters the events' indexes answer, and the cursor, as one WHERE list: past the cursor
   * in the walk's order (older than it newest first, newer than it oldest first).
   */
  private base(
    filter: EventFilter,
    cursor: SearchCursor | undefined,
    args: Args,
    order: SearchOrder = 'desc',
  ): string[] {
    const { dialect } = this.backend;
    const where = indexedFilterSql(filter, dialect, args);
    if (cursor) {
      const at = dialect.placeholder(args.push(cursor.receivedAt));
      const tb = dialect.placeholder(args.push(dialect.tiebreakValue(cursor.tiebreak)));
      where.push(
        `(e.received_at, ${dialect.tiebreak}) ${order === 'asc' ? '>' : '<'} (${at}, ${tb})`,
      );
    }
    return where;
  }

  residuals(filter: EventFilter): Residual[] {
    const { dialect } = this.backend;
    const list: Residual[] = [];
    const lookup = (column: LookupColumn, value: string | undefined) => {
      if (value === undefined) return;
      list.push({
        condition: (args) => equalsSql(`e.${column}`, value, dialect, args),
        set: (args) => this.backend.lookupSet(column, wellFormed(value), args),
      });
    };
    lookup('request_id', filter.requestId);
    lookup('provider_event_id', filter.providerEventId);
    if (filter.provider !== undefined) {
      const provider = filter.provider;
      list.push({ condition: (args) => equalsSql('e.provider', provider, dialect, args) });
    }
    if (typePrefixSql(filter, dialect, []) !== undefined) {
      list.push({
        condition: (args) => typePrefixSql(filter, dialect, args) as string,
        set: (args) => `SELECT e.id FROM events e WHERE ${typePrefixSql(filter, dialect, args)}`,
      });
    }
    if (filter.state !== undefined || filter.destination !== undefined) {
      list.push({
        condition: (args) =>
          `EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND ${deliveryConditionSql(filter, dialect, args)})`,
        set: (args) =>
          `SELECT DISTINCT d.event_id AS id FROM deliveries d WHERE ${deliveryConditionSql(filter, dialect, args)}`,
      });
    }
    const words = queryWords(filter);
    if (words && this.backend.textResidual) list.push(this.backend.textResidual(words));
    return list;
  }

  /** The residual whose matches are fewest and below `smallSet`, if any. */
  private async smallest(residuals: readonly Residual[]): Promise<Residual | undefined> {
    let best: { residual: Residual; n: number } | undefined;
    for (const residual of residuals) {
      if (residual.set === undefined) continue;
      const args: Args = [];
      const sql = `SELECT count(*) AS n FROM (${residual.set(args)} LIMIT ${smallSet}) x`;
      const n = Number((await this.backend.all<{ n: number }>(sql, args))[0]?.n ?? smallSet);
      if (n < smallSet && (best === undefined || n < best.n)) best = { residual, n };
    }
    return best?.residual;
  }

  /** `SELECT <select>` of the events of a small set that match every other filter. */
  private fromSet(
    driver: Residual,
    residuals: readonly Residual[],
    filter: EventFilter,
    cursor: SearchCursor | undefined,
    args: Args,
    select: string,
    order: SearchOrder = 'desc',
  ): string {
    const set = (driver.set as (args: Args) => string)(args);
    const where = [
      'e.id = s.id',
      ...this.base(filter, cursor, args, order),
      ...residuals.filter((r) => r !== driver).map((r) => r.condition(args)),
    ];
    return `WITH s AS MATERIALIZED (${set}) SELECT ${select} FROM s CROSS JOIN events e
      WHERE ${where.join(' AND ')}`;
  }

  private page(rows: Row[], limit: number, boundary?: SearchCursor): EventPage {
    const last = rows.at(-1);
    const next =
      rows.length === limit && last
        ? { receivedAt: last.received_at, tiebreak: String(last.tb) }
        : boundary;
    return { events: rows.map(toSummary), next: next ? encodeCursor(next) : null };
  }

  /**
   * A page of events matching `filter`, after `cursor` in `order`: newest first (`desc`, the
   * search's), or oldest first (`asc`: bulk replay jobs, so a key's replays are made in the order
   * its events arrived). A cursor belongs to the order it was made in.
   */
  async search(
    filter: EventFilter,
    limit: number,
    cursor: SearchCursor | undefined,
    residuals: readonly Residual[] = this.residuals(filter),
    order: SearchOrder = 'desc',
  ): Promise<EventPage> {
    const { dialect } = this.backend;
    const args: Args = [];
    const orderBy = this.orderBy(order);
    const driver = residuals.length > 0 ? await this.smallest(residuals) : undefined;
    if (driver) {
      // Few events: read them (the set is materialized first) and sort.
      const from = this.fromSet(driver, residuals, filter, cursor, args, this.columns, order);
      const sql = `${from} ${orderBy} LIMIT ${dialect.placeholder(args.push(limit))}`;
      return this.page(await this.backend.all<Row>(sql, args), limit);
    }
    if (residuals.length === 0) {
      const where = this.base(filter, cursor, args, order);
      const sql = `SELECT ${this.columns} FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ${orderBy} LIMIT ${dialect.placeholder(args.push(limit))}`;
      return this.page(await this.backend.all<Row>(sql, args), limit);
    }
    // Many: walk the index, checking the residual filters, up to `pageBudget` events.
    const boundary = await this.boundary(filter, cursor, order);
    const where = [
      ...this.base(filter, cursor, args, order),
      ...residuals.map((r) => r.condition(args)),
    ];
    if (boundary) {
      const at = dialect.placeholder(args.push(boundary.receivedAt));
      const tb = dialect.placeholder(args.push(boundary.tiebreak));
      where.push(
        `(e.received_at, ${dialect.tiebreak}) ${order === 'asc' ? '<=' : '>='} (${at}, ${tb})`,
      );
    }
    const sql = `SELECT ${this.columns} FROM events e WHERE ${where.join(' AND ')} ${orderBy}
      LIMIT ${dialect.placeholder(args.push(limit))}`;
    return this.page(
      await this.backend.all<Row>(sql, args),
      limit,
      boundary && { receivedAt: boundary.receivedAt, tiebreak: String(boundary.tiebreak) },
    );
  }

  /** The `pageBudget`-th event the indexes give from the cursor on (none: fewer are left). */
  private async boundary(
    filter: EventFilter,
    cursor: SearchCursor | undefined,
    order: SearchOrder,
  ): Promise<{ receivedAt: number; tiebreak: string | number } | undefined> {
    const { dialect } = this.backend;
    const args: Args = [];
    const where = this.base(filter, cursor, args, order);
    const sql = `SELECT e.received_at AS at, ${dialect.tiebreak} AS tb FROM events e
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${this.orderBy(order)}
      LIMIT 1 OFFSET ${pageBudget - 1}`;
    const row = (await this.backend.all<{ at: number; tb: string | number }>(sql, args))[0];
    return row && { receivedAt: Number(row.at), tiebreak: row.tb };
  }

  async count(
    filter: EventFilter,
    cap: number,
    residuals: readonly Residual[] = this.residuals(filter),
  ): Promise<SearchCount> {
    const args: Args = [];
    const driver = residuals.length > 0 ? await this.smallest(residuals) : undefined;
    if (driver) {
      const sql = this.fromSet(driver, residuals, filter, undefined, args, 'count(*) AS n');
      const n = Number((await this.backend.all<{ n: number }>(sql, args))[0]?.n ?? 0);
      return { count: n, exact: true };
    }
    const where = this.base(filter, undefined, args);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const baseCount = await this.countUpTo(whereSql, args, cap, filter);
    if (residuals.length === 0) return baseCount;
    // Many match the residual filters: their share of the first events, scaled up. Parameters
    // in the order they stand in the text (SQLite's are positional).
    const windowArgs: Args = [];
    const matches = residuals.map((r) => r.condition(windowArgs)).join(' AND ');
    const windowWhere = this.base(filter, undefined, windowArgs);
    const sql = `SELECT count(*) AS scanned, sum(CASE WHEN ${matches} THEN 1 ELSE 0 END) AS matched
      FROM (SELECT e.id, e.event_type, e.provider, e.request_id, e.provider_event_id
        FROM events e ${windowWhere.length ? `WHERE ${windowWhere.join(' AND ')}` : ''} ${this.order}
        LIMIT ${countWindow}) e`;
    const row = (
      await this.backend.all<{ scanned: number; matched: number | null }>(sql, windowArgs)
    )[0];
    const scanned = Number(row?.scanned ?? 0);
    const matched = Number(row?.matched ?? 0);
    if (scanned < countWindow) return { count: matched, exact: true };
    return {
      count: Math.round((matched / scanned) * baseCount.count),
      exact: false,
    };
  }

  private async countUpTo(
    whereSql: string,
    args: Args,
    cap: number,
    filter: EventFilter,
  ): Promise<SearchCount> {
    const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM events e ${whereSql} LIMIT ${cap + 1}) x`;
    const n = Number((await this.backend.all<{ n: number }>(sql, args))[0]?.n ?? 0);
    if (n <= cap) return { count: n, exact: true };
    return this.backend.estimate(whereSql, args, cap, filter);
  }
}
