import type pg from 'pg';
import type { InsertOutcome, NewEvent } from '../store.ts';

/**
 * Inserts a batch of events in a handful of statements (unnest arrays), not several per event:
 * claim dedupe keys, read the owners of keys already taken, insert the new events and their
 * deliveries, count the duplicates. Runs inside the caller's transaction. New deliveries NOTIFY
 * `channel` (sent at commit) so every instance's dispatcher wakes, in the same statement.
 */
export async function insertEventBatch(
  c: pg.PoolClient,
  events: readonly NewEvent[],
  channel: string,
): Promise<InsertOutcome[]> {
  const keyOf = (e: NewEvent) => `${e.source}\u0000${e.dedupeKey}`;
  // Within the batch, the first event with a key speaks for it; later ones are its duplicates.
  const first = new Map<string, NewEvent>();
  for (const e of events) if (e.dedupeKey !== null && !first.has(keyOf(e))) first.set(keyOf(e), e);
  const claimants = [...first.values()];

  const owner = new Map<string, string>();
  if (claimants.length > 0) {
    const now = Math.min(...claimants.map((e) => e.receivedAt));
    const won = await c.query<{ source: string; dedupe_key: string; event_id: string }>(
      `INSERT INTO event_dedupe (source, dedupe_key, event_id, expires_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       ON CONFLICT (source, dedupe_key) DO UPDATE
         SET event_id = EXCLUDED.event_id, expires_at = EXCLUDED.expires_at
         WHERE event_dedupe.expires_at <= $5
       RETURNING source, dedupe_key, event_id`,
      [
        claimants.map((e) => e.source),
        claimants.map((e) => e.dedupeKey),
        claimants.map((e) => e.id),
        claimants.map((e) => e.dedupeUntil),
        now,
      ],
    );
    for (const r of won.rows) owner.set(`${r.source}\u0000${r.dedupe_key}`, r.event_id);
    const taken = claimants.filter((e) => !owner.has(keyOf(e)));
    if (taken.length > 0) {
      const existing = await c.query<{ source: string; dedupe_key: string; event_id: string }>(
        `SELECT d.source, d.dedupe_key, d.event_id FROM event_dedupe d
         JOIN unnest($1::text[], $2::text[]) AS k(source, dedupe_key) USING (source, dedupe_key)`,
        [taken.map((e) => e.source), taken.map((e) => e.dedupeKey)],
      );
      for (const r of existing.rows) owner.set(`${r.source}\u0000${r.dedupe_key}`, r.event_id);
    }
  }

  const stored = events.filter((e) => e.dedupeKey === null || owner.get(keyOf(e)) === e.id);
  if (stored.length > 0) {
    const col = <T>(f: (e: NewEvent) => T) => stored.map(f);
    await c.query(
      `INSERT INTO events (id, source, provider, provider_event_id, event_type, request_id, client_ip,
         method, url, headers, body, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[], $12::bigint[])`,
      [
        col((e) => e.id),
        col((e) => e.source),
        col((e) => e.provider),
        col((e) => e.providerEventId),
        col((e) => e.eventType),
        col((e) => e.requestId),
        col((e) => e.clientIp),
        col((e) => e.method),
        col((e) => e.url),
        col((e) => JSON.stringify(e.headers)),
        col((e) => e.body),
        col((e) => e.receivedAt),
      ],
    );
    const deliveries = stored.flatMap((e) =>
      e.deliveries.map((d) => ({ ...d, eventId: e.id, at: e.receivedAt })),
    );
    if (deliveries.length > 0) {
      await c.query(
        `WITH inserted AS (
           INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at, created_at, updated_at)
           SELECT id, event_id, route, destination, 'pending', at, at, at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS v(id, event_id, route, destination, at)
           RETURNING destination)
         SELECT pg_notify($6, string_agg(DISTINCT destination, ',')) FROM inserted`,
        [
          deliveries.map((d) => d.id),
          deliveries.map((d) => d.eventId),
          deliveries.map((d) => d.route),
          deliveries.map((d) => d.destination),
          deliveries.map((d) => d.at),
          channel,
        ],
      );
    }
  }

  // Duplicates, counted on their owner in one statement; each gets the count as of its turn.
  const dups = events.filter((e) => e.dedupeKey !== null && owner.get(keyOf(e)) !== e.id);
  const perOwner = new Map<string, { n: number; at: number }>();
  for (const e of dups) {
    const id = owner.get(keyOf(e)) as string;
    const o = perOwner.get(id) ?? { n: 0, at: 0 };
    perOwner.set(id, { n: o.n + 1, at: Math.max(o.at, e.receivedAt) });
  }
  const finalCount = new Map<string, number>();
  if (perOwner.size > 0) {
    const ids = [...perOwner.keys()];
    const counted = await c.query<{ id: string; duplicate_count: number }>(
      `UPDATE events e SET duplicate_count = e.duplicate_count + v.n, last_duplicate_at = v.at
       FROM unnest($1::text[], $2::int[], $3::bigint[]) AS v(id, n, at)
       WHERE e.id = v.id RETURNING e.id, e.duplicate_count`,
      [ids, ids.map((id) => perOwner.get(id)?.n ?? 0), ids.map((id) => perOwner.get(id)?.at ?? 0)],
    );
    for (const r of counted.rows)
      finalCount.set(r.id, r.duplicate_count - (perOwner.get(r.id)?.n ?? 0));
  }
  return events.map((e): InsertOutcome => {
    const id = e.dedupeKey === null ? e.id : (owner.get(keyOf(e)) ?? e.id);
    if (id === e.id) return { status: 'stored', eventId: e.id };
    const count = (finalCount.get(id) ?? 0) + 1;
    finalCount.set(id, count);
    return { status: 'duplicate', eventId: id, duplicateCount: count };
  });
}
