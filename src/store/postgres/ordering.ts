import type pg from 'pg';
import { finalStates, sqlCreatedState, sqlStates } from '../../domain/delivery-state.ts';
import { toDelivery, type DeliveryRow } from '../rows.ts';
import { wellFormed } from '../text.ts';
import type { OrderingKeyListParams, OrderingKeyView } from '../store.ts';

type Queryable = pg.Pool | pg.PoolClient;

/** A destination's ordering key. */
export interface DestinationKey {
  readonly destination: string;
  readonly key: string;
}

/** Advisory lock class of ordering keys (the key's hash is the lock's second half). */
const lockClass = 0x4847_0007;

/**
 * Locks ordering keys until the transaction ends. Every operation that gives or takes a key's
 * turn (storing a delivery, recording an attempt that passes the turn, a requeue, a repair)
 * holds its keys' locks and reads the key only in a LATER statement of its transaction: in READ
 * COMMITTED a statement's snapshot is taken when it starts, so a read in the statement that
 * waited for the lock could miss what the previous holder committed (a queued delivery stored
 * meanwhile would be left with no turn holder). Locks are taken in one order (by hash), so two
 * transactions never wait on each other in a cycle; keys are hashed with the schema's name, so
 * schemas sharing a database do not share locks (a hash collision only serialises two keys).
 */
export async function lockOrderingKeys(
  c: pg.PoolClient,
  keys: readonly DestinationKey[],
): Promise<void> {
  if (keys.length === 0) return;
  await c.query({
    name: 'hookgate_lock_keys',
    text: `SELECT count(pg_advisory_xact_lock($3::int, h)) FROM (
        SELECT DISTINCT hashtext(current_schema() || '/' || d || '/' || k) AS h
        FROM unnest($1::text[], $2::text[]) AS t(d, k) ORDER BY 1) s`,
    values: [keys.map((k) => k.destination), keys.map((k) => k.key), lockClass | 0],
  });
}

/**
 * The columns of an ordered INSERT … SELECT, for ingress and replays alike: input rows `v` (with
 * `destination`, `ordering_key` and `ord`, their order) get `turn` in a subquery sorted by `ord`,
 * aliased `s`, from which the state, key_seq and key_turn are written. A row takes its key's turn
 * when it is the key's first of the statement and no stored delivery holds it (read under the
 * key's lock, taken by an earlier statement); key_seq is drawn in `ord` order.
 */
export const orderedInsertSql = {
  turn: `CASE WHEN v.ordering_key IS NOT NULL THEN
      row_number() OVER (PARTITION BY v.destination, v.ordering_key ORDER BY v.ord) = 1
      AND NOT EXISTS (SELECT 1 FROM deliveries t WHERE t.destination = v.destination
        AND t.ordering_key = v.ordering_key AND t.key_turn) END AS turn`,
  state: `CASE WHEN s.turn IS FALSE THEN 'queued'
      ELSE ${sqlCreatedState('EXISTS (SELECT 1 FROM destination_state p WHERE p.destination = s.destination AND p.paused)')}
    END`,
  keySeq: `CASE WHEN s.ordering_key IS NOT NULL THEN nextval('delivery_key_seq') END`,
  keyTurn: 'coalesce(s.turn, false)',
};

/** Each key once. */
export function distinctKeys(keys: readonly DestinationKey[]): DestinationKey[] {
  const seen = new Map<string, DestinationKey>();
  for (const k of keys) seen.set(`${k.destination}\u0000${k.key}`, k);
  return [...seen.values()];
}

/**
 * Gives each key's turn to its oldest queued delivery where no delivery holds it (under the
 * keys' locks, taken by an earlier statement). Returns the destinations that got one.
 */
export async function promoteKeys(
  c: Queryable,
  keys: readonly DestinationKey[],
  now: number,
): Promise<string[]> {
  if (keys.length === 0) return [];
  const unique = distinctKeys(keys);
  const { rows } = await c.query<{ destination: string }>({
    name: 'hookgate_promote_keys',
    text: `UPDATE deliveries d SET key_turn = true,
        state = ${sqlCreatedState('EXISTS (SELECT 1 FROM destination_state s WHERE s.destination = d.destination AND s.paused)')},
        next_attempt_at = least(d.next_attempt_at, $3), updated_at = $3
      FROM unnest($1::text[], $2::text[]) AS k(destination, ordering_key)
      CROSS JOIN LATERAL (SELECT q.id FROM deliveries q
        WHERE q.destination = k.destination AND q.ordering_key = k.ordering_key
          AND q.state = 'queued'
        ORDER BY q.key_seq LIMIT 1) n
      WHERE d.id = n.id AND d.state IN (${sqlStates('promote')})
        AND NOT EXISTS (SELECT 1 FROM deliveries t WHERE t.destination = k.destination
          AND t.ordering_key = k.ordering_key AND t.key_turn)
      RETURNING d.destination`,
    values: [unique.map((k) => k.destination), unique.map((k) => k.key), now],
  });
  return rows.map((r) => r.destination);
}

/** See Store.orderingKeyList. */
export async function listOrderingKeys(
  db: Queryable,
  p: OrderingKeyListParams,
): Promise<OrderingKeyView[]> {
  const where = ['t.key_turn'];
  const args: (string | number)[] = [];
  // Text as stored (text.ts): a key asked for with NUL matches none, rather than fail.
  const destination = p.destination === undefined ? undefined : wellFormed(p.destination);
  const key = p.key === undefined ? undefined : wellFormed(p.key);
  if (destination !== undefined) where.push(`t.destination = $${args.push(destination)}`);
  if (key !== undefined) where.push(`t.ordering_key = $${args.push(key)}`);
  if (p.blocked) where.push("t.state <> 'pending'");
  if (p.tenant !== undefined)
    where.push(
      `EXISTS (SELECT 1 FROM events e WHERE e.id = t.event_id AND e.tenant = $${args.push(p.tenant)})`,
    );
  const { rows } = await db.query<DeliveryRow & { queued: number }>(
    `SELECT t.*, (SELECT count(*)::int FROM deliveries q WHERE q.destination = t.destination
        AND q.ordering_key = t.ordering_key AND q.state = 'queued') AS queued
      FROM deliveries t WHERE ${where.join(' AND ')}
      ORDER BY t.destination, t.ordering_key LIMIT $${args.push(p.limit)}`,
    args,
  );
  if (rows.length === 0 && key !== undefined && destination !== undefined) {
    // A key waiting with no turn holder (a repair is due) is shown too when asked for by name.
    // Within the tenant too: another tenant's key is as absent as an unknown one.
    const { rows: waiting } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries q WHERE q.destination = $1 AND q.ordering_key = $2
         AND q.state = 'queued' AND ($3::text IS NULL
           OR EXISTS (SELECT 1 FROM events e WHERE e.id = q.event_id AND e.tenant = $3))`,
      [destination, key, p.tenant ?? null],
    );
    const n = waiting[0]?.n ?? 0;
    return n > 0 ? [{ destination, key, turn: null, queued: n }] : [];
  }
  return rows.map((r) => ({
    destination: r.destination,
    key: r.ordering_key as string,
    turn: toDelivery(r),
    queued: r.queued,
  }));
}

/** Keys a repair looks at in one transaction, at most (each is one advisory lock). */
const repairBatch = 500;

/**
 * See Store.orderingRepair: finds the keys to mend (a turn held by a delivery in a final state,
 * queued deliveries with no turn holder), then mends them under their locks.
 */
export async function repairOrdering(
  pool: pg.Pool,
  tx: <T>(work: (c: pg.PoolClient) => Promise<T>) => Promise<T>,
  now: number,
): Promise<number> {
  const final = finalStates.map((s) => `'${s}'`).join(', ');
  const { rows } = await pool.query<{ destination: string; ordering_key: string }>(
    `(SELECT destination, ordering_key FROM deliveries WHERE key_turn AND state IN (${final})
       LIMIT ${repairBatch})
     UNION
     (SELECT DISTINCT q.destination, q.ordering_key FROM deliveries q WHERE q.state = 'queued'
       AND NOT EXISTS (SELECT 1 FROM deliveries t WHERE t.destination = q.destination
         AND t.ordering_key = q.ordering_key AND t.key_turn)
       LIMIT ${repairBatch})`,
  );
  if (rows.length === 0) return 0;
  const keys = rows.map((r) => ({ destination: r.destination, key: r.ordering_key }));
  return tx(async (c) => {
    await lockOrderingKeys(c, keys);
    await c.query(
      `UPDATE deliveries d SET key_turn = false
       FROM unnest($1::text[], $2::text[]) AS k(destination, ordering_key)
       WHERE d.key_turn AND d.destination = k.destination AND d.ordering_key = k.ordering_key
         AND d.state IN (${final})`,
      [keys.map((k) => k.destination), keys.map((k) => k.key)],
    );
    return (await promoteKeys(c, keys, now)).length;
  });
}
