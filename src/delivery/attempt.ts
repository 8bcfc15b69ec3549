import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { OnDead } from '../domain/delivery-state.ts';
import type { GroupCommit } from '../domain/group-commit.ts';
import { idempotencyKey } from '../domain/idempotency.ts';
import { newId } from '../domain/ids.ts';
import {
  countsAgainstDestination,
  decideOutcome,
  type Decision,
  type Verdict,
} from '../domain/outcome.ts';
import type { Destinations } from '../destinations/registry.ts';
import type {
  AttemptOutcome,
  AttemptRecordParams,
  ClaimedDelivery,
  Store,
} from '../store/store.ts';
import type { Capture, Transform } from '../transform/types.ts';
import { captureFields } from './capture.ts';
import type { DestinationRuntime } from './destination-runtime.ts';
import { runTransform, unsentOutcome, type Unsent } from './transform-outcome.ts';

export interface AttemptDeps {
  /** This process's lease name: records are written only while it holds the lease. */
  readonly owner: string;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** [0, 1) for retry jitter. */
  readonly random: () => number;
  /** Attempt records of the same moment share one transaction. */
  readonly records: GroupCommit<AttemptRecordParams, boolean>;
  readonly destinations: Destinations;
  /** Route name → its transform. */
  readonly transforms?: ReadonlyMap<string, Transform> | undefined;
  /** Route name → the fields its configuration captures from the answer. */
  readonly captures?: ReadonlyMap<string, Capture> | undefined;
  /** Route name → what a dead delivery does to its ordering key (`block` when absent). */
  readonly onDead?: ReadonlyMap<string, OnDead> | undefined;
}

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

/**
 * One attempt of one claimed delivery, as a unit: transform → breaker → send → decide → ONE
 * record → log. The dispatcher decides when it runs (claims, slots); this decides what it comes
 * to. `freeSlot` is called as soon as the destination has answered, before the record commits
 * (the lease keeps the delivery from being claimed again until then).
 */
export class AttemptRunner {
  constructor(private readonly deps: AttemptDeps) {}

  async run(
    claimed: ClaimedDelivery,
    runtime: DestinationRuntime,
    freeSlot: () => void,
  ): Promise<AttemptReport> {
    const { clock } = this.deps;
    const { delivery, event } = claimed;
    const config = runtime.config;
    const startedAt = clock.now();
    // The route's transform runs now, not at ingestion: a fixed one can be replayed.
    const shaped = runTransform(this.deps.transforms?.get(delivery.route), event, startedAt);
    let verdict: Verdict | undefined;
    let decision: Decision | undefined;
    let durationMs = 0;
    let outcome: AttemptOutcome;
    if (shaped !== undefined && shaped.kind !== 'send' && shaped.kind !== 'pass') {
      freeSlot();
      outcome = unsentOutcome(shaped, startedAt);
    } else {
      const payload = shaped?.kind === 'send' ? shaped : undefined;
      runtime.circuit?.onStart();
      const ticket = runtime.adaptStart();
      const started = performance.now();
      verdict = await this.deps.destinations.get(config.name).send(
        {
          event,
          id: idempotencyKey({ eventId: event.id, destination: config.name }),
          body: payload ? Buffer.from(payload.body, 'utf8') : event.body,
          headers: payload?.headers ?? {},
          transformed: payload !== undefined,
          now: startedAt,
        },
        config.timeoutMs,
      );
      durationMs = Math.round(performance.now() - started);
      await runtime.circuit?.onResult(clock.now(), countsAgainstDestination(verdict));
      runtime.adaptResult(ticket, clock.now(), verdict, durationMs);
      freeSlot();
      decision = decideOutcome({
        verdict,
        // The retry budget counts from the last requeue.
        attempt: delivery.attempts + 1 - delivery.attemptBase,
        policy: config.retry,
        now: clock.now(),
        random: this.deps.random,
      });
      runtime.count(decision);
      outcome = decidedOutcome(decision, startedAt, () => {
        const route = this.deps.captures?.get(delivery.route);
        const capture = payload?.capture ? { ...payload.capture, ...route } : route;
        return captureFields(capture, verdict?.response ?? null);
      });
    }
    const recorded = await this.deps.records.submit({
      deliveryId: delivery.id,
      owner: this.deps.owner,
      attempt: {
        id: newId('att'),
        startedAt,
        durationMs,
        statusCode: verdict?.status ?? null,
        responseBody: verdict?.response ?? null,
        error: outcome.lastError,
        errorClass: outcome.errorClass,
        requestBody: shaped?.kind === 'send' ? shaped.body : null,
      },
      outcome,
      ordering:
        delivery.orderingKey === null
          ? undefined
          : {
              destination: delivery.destination,
              key: delivery.orderingKey,
              onDead: this.deps.onDead?.get(delivery.route) ?? 'block',
            },
    });
    const report: AttemptReport = {
      claimed,
      destination: config.name,
      number: delivery.attempts + 1,
      startedAt,
      durationMs,
      verdict,
      outcome,
      recorded,
    };
    if (shaped !== undefined && verdict === undefined) this.logUnsent(report, shaped as Unsent);
    else await this.logSent(report, decision);
    return report;
  }

  private async logSent(report: AttemptReport, decision: Decision | undefined): Promise<void> {
    const { logger, store, clock } = this.deps;
    const { delivery, event } = report.claimed;
    // Plain bindings, not logger.child(): a child logger per attempt costs even when nothing is logged.
    const ids = { requestId: event.requestId, eventId: event.id, deliveryId: delivery.id };
    if (!report.recorded) {
      logger.warn(
        ids,
        'lease lost before the attempt was recorded; another worker owns this delivery now',
      );
      return;
    }
    const { outcome } = report;
    const fields = {
      ...ids,
      destination: report.destination,
      attempt: report.number,
      status: report.verdict?.status ?? null,
      durationMs: report.durationMs,
    };
    const error = outcome.lastError;
    if (outcome.state === 'delivered') logger.info(fields, 'delivered');
    else if (outcome.state === 'retry')
      logger.warn(
        { ...fields, error, nextAttemptAt: outcome.nextAttemptAt },
        'attempt failed; will retry',
      );
    else {
      logger.error({ ...fields, error, reason: outcome.deadReason }, 'delivery dead');
      if (decision?.state === 'dead' && decision.pauseDestination) {
        await store.destinationSetPaused({
          destination: report.destination,
          paused: true,
          reason: '410 Gone',
          now: clock.now(),
        });
        logger.warn(
          { ...ids, destination: report.destination },
          'destination paused: it answered 410 Gone',
        );
      }
    }
  }

  /** A transform decided nothing is sent: say why (quarantine, skip, config, failure). */
  private logUnsent(report: AttemptReport, shaped: Unsent): void {
    if (!report.recorded) return;
    const { delivery, event } = report.claimed;
    const fields = { eventId: event.id, deliveryId: delivery.id, destination: report.destination };
    const { logger } = this.deps;
    if (shaped.kind === 'skip') logger.info(fields, 'transform skipped this destination');
    else if (shaped.kind === 'quarantine')
      logger.warn({ ...fields, reasons: shaped.reasons }, 'delivery quarantined');
    else logger.error({ ...fields, error: report.outcome.lastError }, 'transform failed');
  }
}

/** The delivery's next state from the decision; captured fields only when delivered. */
function decidedOutcome(
  decision: Decision,
  startedAt: number,
  captured: () => Record<string, string> | null,
): AttemptOutcome {
  const none = { reasons: null, metadata: null };
  switch (decision.state) {
    case 'delivered':
      return {
        ...none,
        state: 'delivered',
        nextAttemptAt: startedAt,
        lastError: null,
        errorClass: null,
        deadReason: null,
        metadata: captured(),
      };
    case 'retry':
      return {
        ...none,
        state: 'retry',
        nextAttemptAt: decision.nextAttemptAt,
        lastError: decision.error,
        errorClass: decision.errorClass,
        deadReason: null,
      };
    case 'dead':
      return {
        ...none,
        state: 'dead',
        nextAttemptAt: startedAt,
        lastError: decision.error,
        errorClass: decision.errorClass,
        deadReason: decision.reason,
      };
  }
}
