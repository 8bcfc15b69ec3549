/** The dead-letter queue as the store keeps it: a dead letter is a delivery in state `dead`. */
import type { DeliveryView } from './records.ts';

/** Seed 004's review states: `failed` is a dead letter nobody has taken up yet. */
export type ReviewState = 'failed' | 'reviewing' | 'requeued' | 'discarded';

export interface DeadLetterFilter {
  /** Dead letters of the tenant's events only; set from the admin token, never a query. */
  readonly tenant?: string | undefined;
  readonly source?: string | undefined;
  readonly destination?: string | undefined;
  readonly provider?: string | undefined;
  readonly errorClass?: string | undefined;
  readonly deadReason?: string | undefined;
  /** The event was received at or after / before (ms). */
  readonly receivedSince?: number | undefined;
  readonly receivedUntil?: number | undefined;
  /** The delivery died at or after / before (ms). */
  readonly deadSince?: number | undefined;
  readonly deadUntil?: number | undefined;
  /** Default: failed and reviewing (every dead one); `discarded` lists the discarded ones. */
  readonly review?: 'failed' | 'reviewing' | 'discarded' | undefined;
}

export interface DeadLetter extends DeliveryView {
  readonly provider: string;
  readonly receivedAt: number;
  /** When it died (or was discarded): the delivery's last change. */
  readonly deadAt: number;
  readonly review: ReviewState;
}

export interface DeadLetterAction {
  readonly action: 'review' | 'requeue' | 'discard';
  readonly target: { readonly id: string } | { readonly filter: DeadLetterFilter };
  /** Who did it (free text from the operator). */
  readonly actor: string;
  readonly note: string | null;
  readonly now: number;
}

export interface FailureRate {
  readonly name: string;
  /** Deliveries made since `since`, and how many of them are dead. */
  readonly total: number;
  readonly dead: number;
}

export interface DeadLetterStats {
  readonly dead: number;
  readonly byReview: {
    readonly failed: number;
    readonly reviewing: number;
    readonly discarded: number;
  };
  readonly byDestination: Readonly<Record<string, number>>;
  readonly bySource: Readonly<Record<string, number>>;
  readonly byProvider: Readonly<Record<string, number>>;
  /** The last error of the newest `sample` dead letters, for grouping by pattern. */
  readonly errors: readonly {
    readonly error: string | null;
    readonly errorClass: string | null;
    readonly deadReason: string | null;
  }[];
  readonly ratesByDestination: readonly FailureRate[];
  readonly ratesBySource: readonly FailureRate[];
  /** Dead since before `attentionBefore` and not under review: how many, and the oldest ones. */
  readonly attention: { readonly count: number; readonly oldest: readonly DeadLetter[] };
}
