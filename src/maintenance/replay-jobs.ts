import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { newId } from '../domain/ids.ts';
import type { Replayer } from '../replay/replayer.ts';
import type { ReplayTargets } from '../replay/targets.ts';
import type { EventFilter, Job, NewReplay, SearchOrder, Store } from '../store/store.ts';
import { BackgroundLoop } from './background-loop.ts';

/** A bulk replay as its job keeps it: the events (as of when it was made) and where they go. */
export interface ReplayJobParams {
  readonly filter: EventFilter;
  readonly targets: ReplayTargets;
  /**
   * The order the job walks its events in, kept with it so its cursor is read the way it was
   * made: `asc` (oldest first) for every job made now, so each ordering key's replays are stored,
   * and delivered, in the order its events arrived. Absent: a job made before, newest first.
   */
  readonly order?: SearchOrder;
}

/** Events a dry run reads to say where a replay would go. */
const planSample = 200;

export interface ReplayPlan {
  /** Events the filter matches (an estimate past 100,000: see `exact`). */
  readonly events: number;
  readonly exact: boolean;
  /** Deliveries per destination among the first `sampled` events. */
  readonly destinations: Readonly<Record<string, number>>;
  readonly sampled: number;
  /** Deliveries the replay would make, scaled from the sample. */
  readonly estimatedDeliveries: number;
  /** At `replay.rate` events per second. */
  readonly estimatedSeconds: number;
}

/**
 * Bulk replays as background jobs (state in the store, so they survive restarts and move to
 * another instance when this one dies: a job is leased, as a delivery is). A job walks its
 * events oldest first with the search's cursor, `replay.batch` at a time: each step makes the replays and
 * moves the cursor in ONE transaction, and the store makes at most one delivery per (job, event,
 * destination), so a step done again after a crash makes nothing twice. Paced for live traffic:
 * `replay.rate` events per second at most, and no step while `replay.maxWaiting` of the job's
 * deliveries still wait.
 */
export class ReplayJobs {
  readonly owner = `replay-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly deps: {
      config: Pick<Config, 'replay'>;
      store: Store;
      clock: Clock;
      logger: Logger;
      replayer: Replayer;
      /** Deliveries were made due: the dispatcher claims them now. */
      wake: () => void;
      /** How often to look for a job to run when there is none. */
      pollMs?: number;
    },
  ) {
    this.loop = new BackgroundLoop(() => this.step(), {
      idleMs: () => deps.pollMs ?? 1000,
      onError: (err) => deps.logger.warn({ err }, 'replay job step failed; will try again'),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops after the step in progress and gives the job's lease back (another instance resumes it). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.deps.store.jobReleaseLeases({ owner: this.owner });
  }

  /** A job was made or resumed. */
  wake(): void {
    this.loop.wake();
  }

  /** Where a replay of these events would go, and how long it would take (nothing is stored). */
  async plan(params: ReplayJobParams): Promise<ReplayPlan> {
    const { store, replayer, config } = this.deps;
    replayer.check(params.targets);
    const count = await store.eventSearchCount({ filter: params.filter, cap: 100_000 });
    const page = await store.eventSearch({ filter: params.filter, limit: planSample });
    const destinations: Record<string, number> = {};
    let deliveries = 0;
    for (const summary of page.events) {
      const event = await store.eventGet({ id: summary.id });
      if (event === undefined) continue;
      for (const r of await replayer.plan(event, params.targets)) {
        destinations[r.destination] = (destinations[r.destination] ?? 0) + 1;
        deliveries += 1;
      }
    }
    const sampled = page.events.length;
    return {
      events: count.count,
      exact: count.exact,
      destinations,
      sampled,
      estimatedDeliveries: sampled === 0 ? 0 : Math.round((deliveries / sampled) * count.count),
      estimatedSeconds: Math.ceil(count.count / config.replay.rate),
    };
  }

  /**
   * Makes the job (it starts at once, in the background). Events arriving later are not in it.
   * A tenant's job (its filter holds the tenant) is listed under that tenant.
   */
  async create(params: ReplayJobParams, createdBy: string | null): Promise<Job> {
    const { store, replayer, clock } = this.deps;
    replayer.check(params.targets);
    const now = clock.now();
    const until = Math.min(params.filter.until ?? Number.POSITIVE_INFINITY, now + 1);
    const filter = { ...params.filter, until };
    const count = await store.eventSearchCount({ filter, cap: 100_000 });
    const job = await store.jobCreate({
      job: {
        id: newId('job'),
        kind: 'replay',
        params: { filter, targets: params.targets, order: 'asc' } satisfies ReplayJobParams,
        total: count.count,
        createdBy,
        now,
        tenant: params.filter.tenant ?? null,
      },
    });
    this.wake();
    return job;
  }

  private async step(): Promise<'busy' | 'idle'> {
    const { store, clock, config } = this.deps;
    const now = clock.now();
    const job = await store.jobClaim({
      kind: 'replay',
      owner: this.owner,
      now,
      leaseUntil: now + config.replay.lease,
    });
    if (job === undefined) return 'idle';
    await this.run(job);
    return 'busy';
  }

  /** Runs the job step after step until it ends, is paused or cancelled, or this stops. */
  private async run(job: Job): Promise<void> {
    const { store, clock, config, logger, replayer } = this.deps;
    const params = job.params as ReplayJobParams;
    let cursor = job.cursor ?? undefined;
    const pace = (config.replay.batch / config.replay.rate) * 1000;
    while (!this.loop.stopped) {
      const started = Date.now();
      const waiting = await store.jobWaiting({ id: job.id, cap: config.replay.maxWaiting });
      const now = clock.now();
      const leaseUntil = now + config.replay.lease;
      if (waiting >= config.replay.maxWaiting) {
        // Live traffic first: wait for the job's own deliveries to drain (keeping the lease).
        const kept = await store.jobAdvance({
          id: job.id,
          owner: this.owner,
          now,
          leaseUntil,
          replays: [],
          cursor: cursor ?? null,
          done: 0,
          failed: 0,
        });
        if (!kept) return;
        await this.loop.pause(pace);
        continue;
      }
      const page = await store.eventSearch({
        filter: params.filter,
        limit: config.replay.batch,
        order: params.order ?? 'desc',
        ...(cursor === undefined ? {} : { before: cursor }),
      });
      const replays: NewReplay[] = [];
      let failed = 0;
      for (const summary of page.events) {
        const event = await store.eventGet({ id: summary.id });
        const made = event ? await replayer.plan(event, params.targets) : [];
        if (made.length === 0) failed += 1;
        replays.push(...made);
      }
      const finished = page.next === null;
      const advanced = await store.jobAdvance({
        id: job.id,
        owner: this.owner,
        now,
        leaseUntil,
        replays,
        cursor: page.next ?? cursor ?? null,
        done: page.events.length,
        failed,
        ...(finished ? { finish: { state: 'completed' as const, error: null } } : {}),
      });
      if (!advanced) return; // paused, cancelled, or the lease went to another instance
      if (replays.length > 0) this.deps.wake();
      if (finished) {
        logger.info({ jobId: job.id }, 'replay job completed');
        return;
      }
      cursor = page.next ?? undefined;
      const rest = pace - (Date.now() - started);
      if (rest > 0 && !(await this.loop.pause(rest))) return;
    }
  }
}
