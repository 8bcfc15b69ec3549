import type pg from 'pg';
import { owedStates, sqlList } from '../../domain/delivery-state.ts';
import { jobTransitions, sqlJobStates, type JobAction } from '../../domain/job-state.ts';
import type { Job, JobAdvance, NewJob } from '../jobs.ts';
import { jobListWhere, toJob, type JobRow } from '../job-rows.ts';
import { toDelivery, type DeliveryRow } from '../rows.ts';
import type { Delivery, NewReplay } from '../store.ts';
import { lockOrderingKeys, orderedInsertSql, type DestinationKey } from './ordering.ts';
import { wellFormed } from '../text.ts';

type Queryable = pg.Pool | pg.PoolClient;

/**
 * Replays as new deliveries, made only for events still stored and at most one per (job, event,
 * destination), so a job step run again makes nothing twice (rows already made are left out
 * before any takes a turn, and DO NOTHING covers the rest). Created as a new delivery is: due, or
 * held while the destination is paused. An ordered one (run under its key's advisory lock, taken
 * by an earlier statement: see ordering.ts) takes its key's turn when it is the key's first here
 * and no delivery holds it, else it is queued; key_seq is drawn in the order given, from a
 * subquery that is already sorted, so a key's replays keep that order behind what was stored.
 */
const insertReplaysSql = `
INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at, created_at,
  updated_at, origin, replay_of, job_id, ordering_key, key_seq, key_turn)
SELECT s.id, s.event_id, s.route, s.destination, ${orderedInsertSql.state},
  $2, $2, $2, 'replay', s.replay_of, $3, s.ordering_key, ${orderedInsertSql.keySeq},
  ${orderedInsertSql.keyTurn}
FROM (
  SELECT v.*, ${orderedInsertSql.turn}
  FROM json_to_recordset($1::json) AS v(id text, event_id text, route text, destination text,
    replay_of text, ordering_key text, ord int)
  WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = v.event_id)
    AND ($3::text IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.job_id = $3
      AND x.event_id = v.event_id AND x.destination = v.destination))
  ORDER BY v.ord
) s
ON CONFLICT DO NOTHING
RETURNING *`;

/**
 * Stores replays in the caller's transaction: the ordered ones' keys are locked first (a separate,
 * earlier statement, so whether one takes its key's turn is read after the lock).
 */
export async function insertReplays(
  c: pg.PoolClient,
  replays: readonly NewReplay[],
  now: number,
  jobId: string | null,
): Promise<Delivery[]> {
  if (replays.length === 0) return [];
  const keys: DestinationKey[] = [];
  const rows = replays.map((r, ord) => {
    const key = r.orderingKey == null ? null : wellFormed(r.orderingKey);
    if (key !== null) keys.push({ destination: r.destination, key });
    return {
      id: r.id,
      event_id: r.eventId,
      route: r.route,
      destination: r.destination,
      replay_of: r.replayOf,
      ordering_key: key,
      ord,
    };
  });
  await lockOrderingKeys(c, keys);
  const { rows: made } = await c.query<DeliveryRow>(insertReplaysSql, [
    JSON.stringify(rows),
    now,
    jobId,
  ]);
  return made.map(toDelivery);
}

export async function createJob(db: Queryable, job: NewJob): Promise<Job> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO jobs (id, kind, state, params, total, created_by, created_at, updated_at, tenant)
     VALUES ($1, $2, 'running', $3, $4, $5, $6, $6, $7) RETURNING *`,
    [
      job.id,
      job.kind,
      JSON.stringify(job.params),
      job.total,
      wellFormed(job.createdBy),
      job.now,
      job.tenant ?? null,
    ],
  );
  return toJob(rows[0] as JobRow);
}

export async function getJob(db: Queryable, id: string): Promise<Job | undefined> {
  const { rows } = await db.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
  return rows[0] && toJob(rows[0]);
}

export async function listJobs(
  db: Queryable,
  limit: number,
  before: string | undefined,
  tenant?: string,
): Promise<Job[]> {
  const { where, args } = jobListWhere(before, tenant, (n) => `$${n}`);
  const { rows } = await db.query<JobRow>(
    `SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT $${args.length + 1}`,
    [...args, limit],
  );
  return rows.map(toJob);
}

export async function claimJob(
  db: Queryable,
  p: { kind: string; owner: string; now: number; leaseUntil: number },
): Promise<Job | undefined> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET lease_owner = $2, lease_until = $3, updated_at = $4
     WHERE id = (SELECT id FROM jobs WHERE kind = $1 AND state = 'running'
       AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until <= $4)
       ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [p.kind, p.owner, p.leaseUntil, p.now],
  );
  return rows[0] && toJob(rows[0]);
}

/** Moves the job under its lease; the caller's transaction then makes its replays. */
export async function advanceJob(client: pg.PoolClient, p: JobAdvance): Promise<boolean> {
  const finish = p.finish?.state ?? null;
  const moved = await client.query(
    `UPDATE jobs SET cursor = $3, done = done + $4, failed = failed + $5, updated_at = $6,
       state = coalesce($7, state), error = coalesce($8, error),
       total = CASE WHEN $7::text = 'completed' THEN done + $4 ELSE total END,
       finished_at = CASE WHEN $7::text IS NULL THEN finished_at ELSE $6 END,
       lease_owner = CASE WHEN $7::text IS NULL THEN lease_owner END,
       lease_until = CASE WHEN $7::text IS NULL THEN $9::bigint END
     WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
    [
      p.id,
      p.owner,
      p.cursor,
      p.done,
      p.failed,
      p.now,
      finish,
      p.finish?.error ?? null,
      p.leaseUntil,
    ],
  );
  if (moved.rowCount === 0) return false;
  await insertReplays(client, p.replays, p.now, p.id);
  return true;
}

export async function controlJob(
  db: Queryable,
  id: string,
  action: JobAction,
  now: number,
): Promise<Job | undefined> {
  const { to } = jobTransitions[action];
  await db.query(
    `UPDATE jobs SET state = $1, updated_at = $2,
       finished_at = ${to === 'cancelled' ? '$2' : 'finished_at'}, lease_owner = NULL, lease_until = NULL
     WHERE id = $3 AND state IN (${sqlJobStates(action)})`,
    [to, now, id],
  );
  return getJob(db, id);
}

export async function countJobWaiting(db: Queryable, id: string, cap: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM deliveries
       WHERE job_id = $1 AND state IN (${sqlList(owedStates)}) LIMIT $2) x`,
    [id, cap],
  );
  return rows[0]?.n ?? 0;
}

export async function releaseJobLeases(db: Queryable, owner: string): Promise<number> {
  const r = await db.query(
    'UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1',
    [owner],
  );
  return r.rowCount ?? 0;
}
