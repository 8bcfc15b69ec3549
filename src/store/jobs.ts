/** Background jobs (bulk replays) as the store keeps them. */
import type { JobState } from '../domain/job-state.ts';
import type { NewReplay } from './records.ts';

export type { JobAction, JobState } from '../domain/job-state.ts';

export interface NewJob {
  readonly id: string;
  readonly kind: string;
  /** What the job does (JSON): for a replay, its filter and targets. */
  readonly params: unknown;
  /** Items it has to go through (events, for a replay). */
  readonly total: number;
  readonly createdBy: string | null;
  readonly now: number;
  /** The tenant whose admin token made it (its filter holds the tenant too); absent: global. */
  readonly tenant?: string | null | undefined;
}

export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly state: JobState;
  readonly params: unknown;
  readonly total: number;
  /** Items gone through. */
  readonly done: number;
  /** Items that could not be (e.g. no destination to replay to). */
  readonly failed: number;
  /** Where the next step starts (opaque to all but the job's runner). */
  readonly cursor: string | null;
  readonly createdBy: string | null;
  /** The tenant whose admin token made it; null: an operator's job. */
  readonly tenant: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
  readonly error: string | null;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
}

export interface JobAdvance {
  readonly id: string;
  readonly owner: string;
  readonly now: number;
  /** The lease is extended to this. */
  readonly leaseUntil: number;
  readonly replays: readonly NewReplay[];
  readonly cursor: string | null;
  /** Added to the job's counts. */
  readonly done: number;
  readonly failed: number;
  /** Set: the job ends in this state with this step. */
  readonly finish?: { readonly state: 'completed' | 'failed'; readonly error: string | null };
}
