/** The admin API's answers, as far as the dashboard reads them (docs/operations.md). */

export interface EventSummary {
  readonly id: string;
  readonly source: string;
  readonly provider: string;
  readonly providerEventId: string | null;
  readonly eventType: string | null;
  readonly requestId: string;
  readonly receivedAt: number;
  readonly duplicateCount: number;
  readonly bodyBytes?: number;
}

export interface Attempt {
  readonly id: string;
  readonly number: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly responseBody: string | null;
  readonly error: string | null;
  readonly errorClass: string | null;
  readonly requestBody: string | null;
  readonly outcome: string;
}

export interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly route: string;
  readonly destination: string;
  readonly state: string;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly errorClass: string | null;
  readonly deadReason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly origin: string;
  readonly replayOf: string | null;
  readonly reviewState: string | null;
}

export interface EventDetail extends EventSummary {
  readonly clientIp: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly bodyEncoding: 'utf8' | 'base64';
  readonly deliveries: readonly (Delivery & { readonly attemptList: readonly Attempt[] })[];
}

export interface EventList {
  readonly events: readonly EventSummary[];
  readonly next: string | null;
  readonly count: { readonly count: number; readonly exact: boolean };
}

export interface DeadLetter extends Delivery {
  readonly source: string;
  readonly eventType: string | null;
  readonly provider: string;
  readonly receivedAt: number;
  readonly deadAt: number;
  readonly review: string;
}

export interface DeadLetterPatterns {
  readonly total: number;
  readonly byReview: Readonly<Record<string, number>>;
  readonly byDestination: Readonly<Record<string, number>>;
  readonly patterns: readonly {
    readonly pattern: string;
    readonly count: number;
    readonly example: string;
    readonly deadReasons: Readonly<Record<string, number>>;
  }[];
  readonly attention: { readonly count: number; readonly olderThanMs: number };
}

export interface DeadLetterPlan {
  readonly count: number;
  readonly exact: boolean;
  readonly byDestination: Readonly<Record<string, number>>;
  readonly byReview: Readonly<Record<string, number>>;
}

export interface DestinationView {
  readonly name: string;
  readonly type: string;
  readonly paused: boolean;
  readonly connection: { readonly status: string } | null;
  readonly inFlight: number;
  readonly counts: {
    readonly attempts: number;
    readonly delivered: number;
    readonly retry: number;
    readonly dead: number;
  };
  readonly concurrency: number | null;
  readonly breaker: { readonly state: string; readonly failures?: number } | null;
}

export interface QueueView {
  readonly byState: Readonly<Record<string, number>>;
  readonly destinations: readonly {
    readonly name: string;
    readonly paused: boolean;
    readonly depth: Readonly<Record<string, number>>;
    readonly oldestDueAt: number | null;
    readonly lagSeconds: number;
  }[];
}

export interface TimelineView {
  readonly bucketMs: number;
  readonly from: number;
  readonly to: number;
  readonly buckets: readonly {
    readonly at: number;
    readonly ingest: Readonly<
      Record<string, { accepted: number; duplicate: number; rejected: number }>
    >;
    readonly attempts: Readonly<
      Record<
        string,
        { delivered: number; failed: number; meanMs: number; p50Ms: number; p95Ms: number }
      >
    >;
  }[];
}

export interface Performance {
  readonly windowMs: number;
  readonly destinations: Readonly<
    Record<
      string,
      { count: number; p50Ms: number; p95Ms: number; p99Ms: number; successRate: number }
    >
  >;
}

export interface SourceCounts {
  readonly accepted: number;
  readonly rejected: number;
  readonly byResult: Readonly<Record<string, number>>;
}

export interface SourcesView {
  readonly windowMs: number;
  readonly sources: readonly {
    readonly name: string;
    readonly provider: string;
    readonly endpoint: string;
    readonly recent: SourceCounts;
    readonly lastHour: SourceCounts;
    readonly sinceStart: SourceCounts;
  }[];
}

export interface ReplayPlan {
  readonly events: number;
  readonly exact: boolean;
  readonly destinations: Readonly<Record<string, number>>;
  readonly estimatedDeliveries: number;
  readonly estimatedSeconds: number;
}

export interface Job {
  readonly id: string;
  readonly state: string;
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly deliveries?: Readonly<Record<string, number>>;
}
