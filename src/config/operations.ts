import { z } from 'zod';
import { duration } from './units.ts';

/**
 * Retention (src/maintenance/retention.ts): how long what is over is kept. Events are kept while
 * a delivery is owed, a dead letter or quarantine waits for review, or their dedupe window is
 * open, whatever their age.
 */
export const retentionSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Events whose deliveries are all over, with their deliveries and attempts. */
    events: duration.prefault('30d'),
    /** Attempts of deliveries that are over (a dead letter keeps its history). */
    attempts: duration.prefault('30d'),
    /** Dead letters after they were discarded (seed 004: 30 days). */
    deadLetters: duration.prefault('30d'),
    /** How often a pass runs. */
    interval: duration.prefault('1m'),
    /** Rows one step deletes at most (each step is one short transaction). */
    batch: z.number().int().positive().max(10_000).default(500),
  })
  .prefault({});

/** Bulk replays (src/maintenance/replay-jobs.ts): paced so live traffic goes first. */
export const replaySchema = z
  .strictObject({
    /** Events a bulk replay goes through per second at most. */
    rate: z.number().positive().default(100),
    /** Events per step (one transaction). */
    batch: z.number().int().positive().max(1000).default(50),
    /**
     * A job waits while this many of its deliveries wait to be delivered, so it never fills a
     * destination's queue ahead of live webhooks.
     */
    maxWaiting: z.number().int().positive().default(500),
    /** A job's lease: after a crash, another instance (or the restarted one) resumes it then. */
    lease: duration.prefault('30s'),
  })
  .prefault({});

/** The dead-letter queue's statistics (GET /monitoring/dlq). */
export const deadLetterSchema = z
  .strictObject({
    /** A dead letter older than this that nobody reviews needs attention. */
    attentionAfter: duration.prefault('24h'),
    /** Failure rates are over deliveries made within this window. */
    rateWindow: duration.prefault('24h'),
  })
  .prefault({});
