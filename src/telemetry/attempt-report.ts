import type { Verdict } from '../domain/outcome.ts';
import type { AttemptOutcome, ClaimedDelivery } from '../store/store.ts';

/** How one attempt went, from its start to its record: what observers of an attempt need. */
export interface AttemptReport {
  readonly claimed: ClaimedDelivery;
  readonly destination: string;
  /** This attempt's number for the delivery (1 for the first). */
  readonly number: number;
  readonly startedAt: number;
  readonly durationMs: number;
  /** What the destination said; undefined when the transform decided nothing is sent. */
  readonly verdict: Verdict | undefined;
  readonly outcome: AttemptOutcome;
  /** False: the lease was lost and nothing was written (another worker owns the delivery). */
  readonly recorded: boolean;
}
