import type pg from 'pg';
import type { Args } from '../event-filter.ts';
import type { EventFilter, EventPage, SearchCount, SearchOrder } from '../search.ts';
import { SearchPlanner, type SearchBackend } from '../search-planner.ts';
import { indexedBodyBytes, indexText } from '../search-text.ts';

const dialect: SearchBackend['dialect'] = {
  placeholder: (n) => `$${n}`,
  typeColumn: 'e.event_type COLLATE "C"',
  tiebreak: 'e.id',
  tiebreakValue: (text) => text,
  // Event ids are ASCII without spaces.
  tiebreakPattern: /^[\x21-\x7e]{1,200}$/,
  bodyBytes: 'octet_length(e.body)',
};

/**
 * Event search on PostgreSQL: the shared planner (search-planner.ts) over the indexes of
 * migration 0007; body text is one more filter, through the GIN index of event_search (few
 * matches: read and sorted; many: checked per event, ~2 µs each).
 */
export class EventSearch {
  private readonly planner: SearchPlanner;

  constructor(db: pg.Pool) {
    this.planner = new SearchPlanner({
      dialect,
      all: async <T>(sql: string, args: Args) => (await db.query(sql, args)).rows as T[],
      textResidual: (words) => {
        const query = (args: Args) =>
          `s.tsv @@ phraseto_tsquery('simple', $${args.push(words.join(' '))})`;
        return {
          condition: (args) =>
            `EXISTS (SELECT 1 FROM event_search s WHERE s.event_id = e.id AND ${query(args)})`,
          set: (args) => `SELECT s.event_id AS id FROM event_search s WHERE ${query(args)}`,
        };
      },
      lookupSet: (column, value, args) =>
        `SELECT s.event_id AS id FROM event_search s WHERE s.${column} = $${args.push(value)}`,
      // Past the cap, the planner's estimate (never below the cap).
      estimate: async (whereSql, args, cap) => {
        const plan = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
          `EXPLAIN (FORMAT JSON) SELECT 1 FROM events e ${whereSql}`,
          args,
        );
        const rows = plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
        return { count: Math.max(cap + 1, Math.round(rows)), exact: false };
      },
    });
  }

  async search(
    filter: EventFilter,
    limit: number,
    before: string | undefined,
    order: SearchOrder = 'desc',
  ): Promise<EventPage> {
    const cursor = this.planner.decode(before);
    return this.planner.search(filter, limit, cursor, undefined, order);
  }

  count(filter: EventFilter, cap: number): Promise<SearchCount> {
    return this.planner.count(filter, cap);
  }
}

/**
 * Indexes the oldest queued events' bodies, in one transaction: the queue rows are locked with
 * SKIP LOCKED (instances index different events), the text is cut into words here
 * (search-text.ts: one rule for both engines, and a body that is not valid UTF-8 or holds NUL
 * cannot fail it), and PostgreSQL makes the tsvectors.
 */
export async function indexQueued(client: pg.PoolClient, limit: number): Promise<number> {
  const { rows } = await client.query<{
    event_id: string;
    body: Buffer | null;
    request_id: string | null;
    provider_event_id: string | null;
  }>(
    `SELECT q.event_id, substring(e.body FROM 1 FOR ${indexedBodyBytes}) AS body, e.request_id,
       e.provider_event_id
     FROM (SELECT event_id FROM search_queue ORDER BY event_id LIMIT $1 FOR UPDATE SKIP LOCKED) q
     LEFT JOIN events e ON e.id = q.event_id`,
    [limit],
  );
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.event_id);
  // The rows as one json parameter: pg would escape a text[] element by element.
  const indexed = rows.flatMap((r, i) =>
    r.body === null
      ? []
      : [
          {
            id: ids[i],
            text: indexText(r.body),
            request_id: r.request_id,
            provider_event_id: r.provider_event_id,
          },
        ],
  );
  await client.query(
    `INSERT INTO event_search (event_id, tsv, request_id, provider_event_id)
     SELECT t.id, to_tsvector('simple', t.text), t.request_id, t.provider_event_id
     FROM json_to_recordset($1::json) AS t(id text, text text, request_id text,
       provider_event_id text)
     WHERE EXISTS (SELECT 1 FROM events WHERE id = t.id)
     ON CONFLICT (event_id) DO UPDATE SET tsv = EXCLUDED.tsv`,
    [JSON.stringify(indexed)],
  );
  await client.query('DELETE FROM search_queue WHERE event_id = ANY($1::text[])', [ids]);
  return rows.length;
}
