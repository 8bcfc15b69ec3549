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
import { telemetryNow, type Telemetry, type TraceCarrier } from '../telemetry/events.ts';
import type {
  AttemptOutcome,
  AttemptRecordParams,
  ClaimedDelivery,
  Store,
} from '../store/store.ts';
import type { Capture, Transform, TransformResult } from '../transform/types.ts';
import { captureFields } from './capture.ts';
import type { DestinationRuntime } from './destination-runtime.ts';
import type { AttemptReport } from '../telemetry/attempt-report.ts';
import { runTransform, unsentOutcome } from './transform-outcome.ts';

export type { AttemptReport } from '../telemetry/attempt-report.ts';

export interface AttemptDeps {
  /** This process's lease name: records are written only while it holds the lease. */
  readonly owner: string;
  readonly store: Store;
  readonly clock: Clock;
  /** Where the attempt says what happened (the logger, metrics and tracer listen). */
  readonly telemetry: Telemetry;
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

/**
 * One attempt of one claimed delivery, as a unit: transform → breaker → send → decide → ONE
 * record → telemetry (logged, counted and traced by its subscribers). The dispatcher decides
 * when it runs (claims, slots); this decides what it comes to. `freeSlot` is called as soon as
 * the destination has answered, before the record commits (the lease keeps the delivery from
 * being claimed again until then).
 */
export class AttemptRunner {
  constructor(private readonly deps: AttemptDeps) {}

  async run(
    claimed: ClaimedDelivery,
    runtime: DestinationRuntime,
    freeSlot: () => void,
  ): Promise<AttemptReport> {
    const { telemetry } = this.deps;
    const { delivery, event } = claimed;
    const config = runtime.config;
    // The event's stored trace context: the tracer continues it (one trace per event).
    const trace: TraceCarrier = { traceparent: event.traceContext ?? null };
    const destination = config.name;
    telemetry.emit('attempt.started', {
      deliveryId: delivery.id,
      eventId: event.id,
      source: event.source,
      destination,
      destinationType: config.type,
      number: delivery.attempts + 1,
      at: telemetryNow(),
      trace,
    });
    try {
      return await this.attempt(claimed, runtime, freeSlot, trace);
    } catch (error) {
      telemetry.emit('attempt.errored', { deliveryId: delivery.id, destination, error, trace });
      throw error;
    }
  }

  private async attempt(
    claimed: ClaimedDelivery,
    runtime: DestinationRuntime,
    freeSlot: () => void,
    trace: TraceCarrier,
  ): Promise<AttemptReport> {
    const { clock, telemetry } = this.deps;
    const { delivery, event } = claimed;
    const config = runtime.config;
    const startedAt = clock.now();
    // The route's transform runs now, not at ingestion: a fixed one can be replayed.
    const shaped = this.transform(claimed, config.name, startedAt, trace);
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
      const sendAt = telemetryNow();
      telemetry.emit('attempt.sending', {
        destination: config.name,
        destinationType: config.type,
        at: sendAt,
        trace,
      });
      const started = performance.now();
      verdict = await this.deps.destinations.get(config.name).send(
        {
          event,
          id: idempotencyKey(delivery),
          body: payload ? Buffer.from(payload.body, 'utf8') : event.body,
          headers: payload?.headers ?? {},
          transformed: payload !== undefined,
          now: startedAt,
          traceparent: trace.traceparent,
        },
        config.timeoutMs,
      );
      durationMs = Math.round(performance.now() - started);
      telemetry.emit('attempt.sent', {
        destination: config.name,
        verdict,
        startedAt: sendAt,
        endedAt: telemetryNow(),
        trace,
      });
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
    if (recorded && decision?.state === 'dead' && decision.pauseDestination)
      await this.pauseGone(config.name);
    telemetry.emit('attempt.finished', {
      report,
      source: event.source,
      at: telemetryNow(),
      trace,
    });
    if (recorded && delivery.state !== outcome.state)
      telemetry.emit('delivery.state', {
        deliveryId: delivery.id,
        destination: config.name,
        from: delivery.state,
        to: outcome.state,
      });
    return report;
  }

  private transform(
    claimed: ClaimedDelivery,
    destination: string,
    now: number,
    trace: TraceCarrier,
  ): TransformResult | undefined {
    const transform = this.deps.transforms?.get(claimed.delivery.route);
    if (transform === undefined) return undefined;
    const startedAt = telemetryNow();
    const shaped = runTransform(transform, claimed.event, now);
    this.deps.telemetry.emit('attempt.transformed', {
      destination,
      kind: shaped?.kind ?? 'none',
      startedAt,
      endedAt: telemetryNow(),
      trace,
    });
    return shaped;
  }

  /** The destination answered 410 Gone: it says it no longer exists (Standard Webhooks). */
  private async pauseGone(destination: string): Promise<void> {
    const reason = '410 Gone';
    await this.deps.store.destinationSetPaused({
      destination,
      paused: true,
      reason,
      now: this.deps.clock.now(),
    });
    this.deps.telemetry.emit('destination.paused', { destination, reason, by: 'destination' });
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
