import type { Logger } from 'pino';
import type { Telemetry, TelemetryEvents } from '../telemetry/events.ts';
import { traceFields } from '../telemetry/trace-context.ts';

type Finished = TelemetryEvents['attempt.finished'];

/** One line per attempt, by how it ended, with the trace it belongs to. */
function logAttempt(logger: Logger, { report, trace }: Finished): void {
  const { delivery, event } = report.claimed;
  // Plain bindings, not logger.child(): a child logger per attempt costs even when nothing is logged.
  const ids = {
    requestId: event.requestId,
    eventId: event.id,
    deliveryId: delivery.id,
    ...traceFields(trace.traceparent),
  };
  if (!report.recorded) {
    // A transform's verdict that was not recorded is someone else's now: nothing to say.
    if (report.verdict !== undefined)
      logger.warn(
        ids,
        'lease lost before the attempt was recorded; another worker owns this delivery now',
      );
    return;
  }
  const { outcome } = report;
  const fields = { ...ids, destination: report.destination };
  if (report.verdict === undefined) {
    // The route's transform decided nothing is sent: say why (skip, quarantine, failure).
    if (outcome.state === 'skipped') logger.info(fields, 'transform skipped this destination');
    else if (outcome.state === 'quarantined')
      logger.warn({ ...fields, reasons: outcome.reasons }, 'delivery quarantined');
    else logger.error({ ...fields, error: outcome.lastError }, 'transform failed');
    return;
  }
  const sent = {
    ...fields,
    attempt: report.number,
    status: report.verdict.status,
    durationMs: report.durationMs,
  };
  const error = outcome.lastError;
  if (outcome.state === 'delivered') logger.info(sent, 'delivered');
  else if (outcome.state === 'retry')
    logger.warn(
      { ...sent, error, nextAttemptAt: outcome.nextAttemptAt },
      'attempt failed; will retry',
    );
  else logger.error({ ...sent, error, reason: outcome.deadReason }, 'delivery dead');
}

/** The logger as a subscriber: what delivery, breakers and commits report, as log lines. */
export function subscribeLogs(telemetry: Telemetry, logger: Logger): void {
  telemetry.on('attempt.finished', (e) => logAttempt(logger, e));
  telemetry.on('breaker.changed', ({ destination, from, to, why }) =>
    logger[to === 'open' ? 'warn' : 'info']({ destination, from, to, why }, 'circuit breaker'),
  );
  telemetry.on('destination.paused', ({ destination, reason, by }) =>
    by === 'destination'
      ? logger.warn({ destination, reason }, `destination paused: it answered ${reason}`)
      : logger.info({ destination, reason }, 'destination paused'),
  );
  telemetry.on('destination.resumed', ({ destination }) =>
    logger.info({ destination }, 'destination resumed'),
  );
  telemetry.on('destination.adapted', (change) =>
    logger[change.reason === 'healthy' ? 'debug' : 'info'](change, 'adaptive concurrency'),
  );
  telemetry.on('commit.finished', ({ size, error }) => {
    if (error) logger.error({ err: error, size }, 'commit failed; answering 503 to its requests');
  });
}
