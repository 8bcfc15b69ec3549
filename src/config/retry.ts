import { z } from 'zod';
import { duration } from './units.ts';

/**
 * Named retry policies (seed 004's presets): attempts in all, and the waits before each retry,
 * rising from the shortest to the longest delay the preset names.
 */
export const retryPresets = {
  /** 3 attempts, 500 ms to 5 s. */
  quick: { maxAttempts: 3, schedule: ['500ms', '5s'] },
  /** 5 attempts, 1 s to 30 s. */
  standard: { maxAttempts: 5, schedule: ['1s', '3s', '10s', '30s'] },
  /** 10 attempts, 2 s to 60 s. */
  aggressive: {
    maxAttempts: 10,
    schedule: ['2s', '3s', '5s', '7s', '11s', '17s', '26s', '40s', '60s'],
  },
  /** 5 attempts, 5 s to 120 s: room for a receiver that limits its rate. */
  'rate-limited': { maxAttempts: 5, schedule: ['5s', '15s', '40s', '120s'] },
} as const satisfies Record<string, { maxAttempts: number; schedule: readonly string[] }>;

export type RetryPreset = keyof typeof retryPresets;

/** The seed's retry schedule when neither a preset nor a schedule is given. */
const defaultRetry = {
  maxAttempts: 10,
  schedule: ['1m', '5m', '15m', '30m', '1h', '2h', '6h', '12h', '24h'],
} as const;

/**
 * A destination's `retry`: an optional `preset`, with any key given beside it overriding the
 * preset's (`{preset: standard, maxAttempts: 8}`).
 */
export const retrySchema = z
  .strictObject({
    preset: z.enum(Object.keys(retryPresets) as [RetryPreset, ...RetryPreset[]]).optional(),
    schedule: z.array(duration).min(1).optional(),
    maxAttempts: z.number().int().positive().optional(),
    jitter: z.number().min(0).max(1).default(0.1),
    retryableStatuses: z.array(z.number().int().min(400).max(499)).default([]),
  })
  .transform(({ preset, schedule, maxAttempts, ...rest }) => {
    const base = preset === undefined ? defaultRetry : retryPresets[preset];
    return {
      ...rest,
      schedule: schedule ?? base.schedule.map((step) => duration.parse(step)),
      maxAttempts: maxAttempts ?? base.maxAttempts,
    };
  })
  .prefault({});

export type RetryConfig = z.output<typeof retrySchema>;
