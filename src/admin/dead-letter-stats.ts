import type { Config } from '../config/schema.ts';
import { errorPattern } from '../domain/error-pattern.ts';
import type { DeadLetterStats, FailureRate, Store } from '../store/store.ts';

/** Dead letters read to group errors into patterns (the newest ones). */
const patternSample = 5_000;

export interface Pattern {
  readonly pattern: string;
  readonly count: number;
  readonly errorClasses: Readonly<Record<string, number>>;
  readonly deadReasons: Readonly<Record<string, number>>;
  /** One message as it was. */
  readonly example: string;
}

const rate = (r: FailureRate) => ({
  ...r,
  rate: r.total === 0 ? 0 : Math.round((r.dead / r.total) * 10_000) / 10_000,
});

/** The newest dead letters' errors grouped by pattern, most common first. */
export function patternsOf(errors: DeadLetterStats['errors']): Pattern[] {
  const groups = new Map<
    string,
    {
      count: number;
      classes: Record<string, number>;
      reasons: Record<string, number>;
      example: string;
    }
  >();
  for (const e of errors) {
    const message = e.error ?? '(no error)';
    const key = errorPattern(message);
    const g = groups.get(key) ?? { count: 0, classes: {}, reasons: {}, example: message };
    g.count += 1;
    const cls = e.errorClass ?? 'none';
    const reason = e.deadReason ?? 'none';
    g.classes[cls] = (g.classes[cls] ?? 0) + 1;
    g.reasons[reason] = (g.reasons[reason] ?? 0) + 1;
    groups.set(key, g);
  }
  return [...groups.entries()]
    .map(([pattern, g]) => ({
      pattern,
      count: g.count,
      errorClasses: g.classes,
      deadReasons: g.reasons,
      example: g.example.slice(0, 500),
    }))
    .sort((a, b) => b.count - a.count || a.pattern.localeCompare(b.pattern));
}

/**
 * What the dead-letter queue looks like (seed 004's GET /monitoring/dlq): totals by review
 * state, destination, source and provider; the most common errors by pattern; failure rates by
 * destination and source over `deadLetters.rateWindow`; dead letters needing attention (older
 * than `deadLetters.attentionAfter`, not under review).
 */
export async function deadLetterReport(
  store: Store,
  config: Pick<Config, 'deadLetters'>,
  now: number,
  /** Only this tenant's dead letters. */
  tenant?: string,
) {
  const stats = await store.deadLetterStats({
    since: now - config.deadLetters.rateWindow,
    attentionBefore: now - config.deadLetters.attentionAfter,
    sample: patternSample,
    tenant,
  });
  return {
    total: stats.dead,
    byReview: stats.byReview,
    byDestination: stats.byDestination,
    bySource: stats.bySource,
    byProvider: stats.byProvider,
    patterns: patternsOf(stats.errors),
    patternsOf: stats.errors.length,
    failureRates: {
      since: now - config.deadLetters.rateWindow,
      byDestination: stats.ratesByDestination.map(rate),
      bySource: stats.ratesBySource.map(rate),
    },
    attention: {
      olderThanMs: config.deadLetters.attentionAfter,
      count: stats.attention.count,
      oldest: stats.attention.oldest,
    },
  };
}
