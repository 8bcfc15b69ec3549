import type { ErrorClass } from '../domain/outcome.ts';
import type { Telemetry } from '../telemetry/events.ts';

/** One destination's attempts as this instance saw them since it started (admin API). */
export interface AttemptCounts {
  readonly attempts: number;
  readonly delivered: number;
  readonly retry: number;
  readonly dead: number;
  /** Failed attempts by class; the classes every destination can see start at 0. */
  readonly errorClass: Readonly<Partial<Record<ErrorClass, number>>>;
}

export interface DestinationActivity {
  /** Attempts started and not finished (from their start to their record). */
  readonly inFlight: number;
  readonly counts: AttemptCounts;
}

interface Mutable {
  inFlight: number;
  counts: {
    attempts: number;
    delivered: number;
    retry: number;
    dead: number;
    errorClass: Partial<Record<ErrorClass, number>>;
  };
}

/**
 * Attempts per destination, counted from the attempt events: what the admin API shows, without
 * reading the dispatcher's own fields. Only attempts that sent something are counted (a
 * transform's skip or quarantine is not an attempt at the destination).
 */
export class AttemptStats {
  private readonly byDestination = new Map<string, Mutable>();

  constructor(telemetry: Telemetry) {
    telemetry.on('attempt.started', ({ destination }) => (this.of(destination).inFlight += 1));
    telemetry.on('attempt.errored', ({ destination }) => (this.of(destination).inFlight -= 1));
    telemetry.on('attempt.finished', ({ report }) => {
      const entry = this.of(report.destination);
      entry.inFlight -= 1;
      if (report.verdict === undefined) return;
      const { counts } = entry;
      counts.attempts += 1;
      const { state, errorClass } = report.outcome;
      if (state === 'delivered' || state === 'retry' || state === 'dead') counts[state] += 1;
      if (errorClass !== null)
        counts.errorClass[errorClass] = (counts.errorClass[errorClass] ?? 0) + 1;
    });
  }

  private of(destination: string): Mutable {
    let entry = this.byDestination.get(destination);
    if (entry === undefined) {
      entry = {
        inFlight: 0,
        counts: {
          attempts: 0,
          delivered: 0,
          retry: 0,
          dead: 0,
          errorClass: { validation: 0, temporary: 0, configuration: 0, unknown: 0 },
        },
      };
      this.byDestination.set(destination, entry);
    }
    return entry;
  }

  /** A copy: the caller cannot change what is counted. */
  view(destination: string): DestinationActivity {
    const { inFlight, counts } = this.of(destination);
    return { inFlight, counts: { ...counts, errorClass: { ...counts.errorClass } } };
  }
}
