import type Database from 'better-sqlite3';
import { owedStates, sqlCreatedState, sqlList } from '../../domain/delivery-state.ts';
import { jobTransitions, sqlJobStates, type JobAction } from '../../domain/job-state.ts';
import type { Job, JobAdvance, NewJob } from '../jobs.ts';
import { jobListWhere, toJob, type JobRow } from '../job-rows.ts';
import type { Delivery, NewReplay } from '../store.ts';
import { toDelivery, type DeliveryRow } from '../rows.ts';
import { wellFormed } from '../text.ts';

/** A replay's state when it takes its turn (or is not ordered): due, or held while paused. */
const createdState = sqlCreatedState(
  'EXISTS (SELECT 1 FROM destination_state s WHERE s.destination = @destination AND s.paused = 1)',
);

/**
 * Background jobs and replays on SQLite. One process owns the file, so a job's lease only
 * matters across restarts (a killed process's lease expires) — the same rule as PostgreSQL's.
 */
export class JobTable {
  private readonly insertReplay;
  private readonly insertOrderedReplay;
  private readonly getJob;

  constructor(private readonly db: Database.Database) {
    // Held while the destination is paused, as a new delivery of a paused destination is. A job
    // makes at most one per (job, event, destination): DO NOTHING on the second.
    this.insertReplay = db.prepare<[Record<string, string | number | null>], DeliveryRow>(
      `INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at, created_at,
         updated_at, origin, replay_of, job_id)
       SELECT @id, @eventId, @route, @destination, ${createdState},
         @now, @now, @now, 'replay', @replayOf, @jobId
       WHERE EXISTS (SELECT 1 FROM events WHERE id = @eventId)
       ON CONFLICT DO NOTHING
       RETURNING *`,
    );
    // Ordered, as EventWriter stores a new ordered delivery: it takes its key's turn when no one
    // holds it, else waits queued; key_seq keeps the order they were stored in (this process is
    // the file's one writer, and each runs in the transaction of its batch).
    this.insertOrderedReplay = db.prepare<[Record<string, string | number | null>], DeliveryRow>(
      `INSERT INTO deliveries (id, event_id, route, destination, state, next_attempt_at, created_at,
         updated_at, origin, replay_of, job_id, ordering_key, key_seq, key_turn)
       SELECT @id, @eventId, @route, @destination,
         CASE WHEN t.taken THEN 'queued' ELSE ${createdState} END,
         @now, @now, @now, 'replay', @replayOf, @jobId, @key,
         coalesce((SELECT key_seq FROM deliveries WHERE key_seq IS NOT NULL
           ORDER BY key_seq DESC LIMIT 1), 0) + 1,
         CASE WHEN t.taken THEN 0 ELSE 1 END
       FROM (SELECT EXISTS (SELECT 1 FROM deliveries WHERE destination = @destination
         AND ordering_key = @key AND key_turn = 1) AS taken) t
       WHERE EXISTS (SELECT 1 FROM events WHERE id = @eventId)
       ON CONFLICT DO NOTHING
       RETURNING *`,
    );
    this.getJob = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  }

  private insertReplays(replays: readonly NewReplay[], now: number, jobId: string | null) {
    return replays.flatMap((r) => {
      const key = r.orderingKey == null ? null : wellFormed(r.orderingKey);
      const params = {
        id: r.id,
        eventId: r.eventId,
        route: r.route,
        destination: r.destination,
        replayOf: r.replayOf,
        now,
        jobId,
      };
      const row =
        key === null
          ? this.insertReplay.get(params)
          : this.insertOrderedReplay.get({ ...params, key });
      return row ? [toDelivery(row)] : [];
    });
  }

  replay(replays: readonly NewReplay[], now: number): Delivery[] {
    return this.db.transaction(() => this.insertReplays(replays, now, null)).immediate();
  }

  create(job: NewJob): Job {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, state, params, total, created_by, created_at, updated_at,
           tenant)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.kind,
        JSON.stringify(job.params),
        job.total,
        wellFormed(job.createdBy),
        job.now,
        job.now,
        job.tenant ?? null,
      );
    return this.get(job.id) as Job;
  }

  get(id: string): Job | undefined {
    const row = this.getJob.get(id);
    return row && toJob(row);
  }

  list(limit: number, before: string | undefined, tenant?: string): Job[] {
    const { where, args } = jobListWhere(before, tenant, () => '?');
    return this.db
      .prepare<(string | number)[], JobRow>(`SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT ?`)
      .all(...args, limit)
      .map(toJob);
  }

  claim(p: { kind: string; owner: string; now: number; leaseUntil: number }): Job | undefined {
    const row = this.db
      .prepare<[typeof p], JobRow>(
        `UPDATE jobs SET lease_owner = @owner, lease_until = @leaseUntil, updated_at = @now
         WHERE id = (SELECT id FROM jobs WHERE kind = @kind AND state = 'running'
           AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until <= @now)
           ORDER BY created_at, id LIMIT 1)
         RETURNING *`,
      )
      .get(p);
    return row && toJob(row);
  }

  advance(p: JobAdvance): boolean {
    return this.db
      .transaction(() => {
        const moved = this.db
          .prepare(
            `UPDATE jobs SET cursor = @cursor, done = done + @done, failed = failed + @failed,
               updated_at = @now,
               state = coalesce(@finish, state), error = coalesce(@error, error),
               total = CASE WHEN @finish = 'completed' THEN done + @done ELSE total END,
               finished_at = CASE WHEN @finish IS NULL THEN finished_at ELSE @now END,
               lease_owner = CASE WHEN @finish IS NULL THEN lease_owner END,
               lease_until = CASE WHEN @finish IS NULL THEN @leaseUntil END
             WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
          )
          .run({
            id: p.id,
            owner: p.owner,
            now: p.now,
            leaseUntil: p.leaseUntil,
            cursor: p.cursor,
            done: p.done,
            failed: p.failed,
            finish: p.finish?.state ?? null,
            error: p.finish?.error ?? null,
          }).changes;
        if (moved === 0) return false;
        this.insertReplays(p.replays, p.now, p.id);
        return true;
      })
      .immediate();
  }

  control(id: string, action: JobAction, now: number): Job | undefined {
    const { to } = jobTransitions[action];
    const finished = to === 'cancelled';
    this.db
      .prepare(
        `UPDATE jobs SET state = @to, updated_at = @now,
           finished_at = ${finished ? '@now' : 'finished_at'}, lease_owner = NULL, lease_until = NULL
         WHERE id = @id AND state IN (${sqlJobStates(action)})`,
      )
      .run({ to, now, id });
    return this.get(id);
  }

  waiting(id: string, cap: number): number {
    return (
      this.db
        .prepare<[string, number], { n: number }>(
          `SELECT count(*) AS n FROM (SELECT 1 FROM deliveries INDEXED BY deliveries_job_waiting
             WHERE job_id = ? AND state IN (${sqlList(owedStates)}) LIMIT ?)`,
        )
        .get(id, cap)?.n ?? 0
    );
  }

  releaseLeases(owner: string): number {
    return this.db
      .prepare<[string]>(
        'UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?',
      )
      .run(owner).changes;
  }
}
