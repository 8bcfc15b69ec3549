/**
 * A background job's states (bulk replays) and what moves it between them: operators pause,
 * resume and cancel; its runner completes or fails it. Both engines take their SQL state lists
 * from this table.
 */
export type JobState = 'running' | 'paused' | 'cancelled' | 'completed' | 'failed';
export type JobAction = 'pause' | 'resume' | 'cancel';

export const jobTransitions: Record<JobAction, { from: readonly JobState[]; to: JobState }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'cancelled' },
};

/** A job in one of these is over: no action applies to it any more. */
export const finishedJobStates: readonly JobState[] = ['cancelled', 'completed', 'failed'];

/** `'running', 'paused'` for an SQL `IN (…)`: only names from the table above, never input. */
export function sqlJobStates(action: JobAction): string {
  return jobTransitions[action].from.map((s) => `'${s}'`).join(', ');
}
