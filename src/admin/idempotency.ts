import type { FastifyInstance } from 'fastify';
import { ok, type AdminDeps } from './http.ts';

/**
 * The dedupe keys are Hookgate's cache of what it has seen: per source, the keys held (their
 * window open), those expiring soon and those expired but not yet swept (from the store, across
 * instances), the duplicates caught (this instance, since start and over the monitoring window),
 * and the sweeps that removed expired keys.
 */
export async function idempotencyView(deps: AdminDeps) {
  const { config, store, clock, observe } = deps;
  const soonMs = config.monitoring.expiringSoon;
  const keys = await store.dedupeStats({ now: clock.now(), soonMs });
  const totals = { held: 0, expiringSoon: 0, expired: 0, duplicatesSinceStart: 0 };
  const sources = Object.fromEntries(
    config.sources.map((s) => {
      const held = keys[s.name] ?? { held: 0, expiringSoon: 0, expired: 0 };
      const duplicates = {
        sinceStart: observe.activity.total(s.name).duplicate ?? 0,
        recent: observe.activity.recent(s.name, config.monitoring.window).duplicate ?? 0,
      };
      totals.held += held.held;
      totals.expiringSoon += held.expiringSoon;
      totals.expired += held.expired;
      totals.duplicatesSinceStart += duplicates.sinceStart;
      return [s.name, { key: s.dedupe.key, windowMs: s.dedupe.window, ...held, duplicates }];
    }),
  );
  return {
    expiringSoonMs: soonMs,
    recentWindowMs: config.monitoring.window,
    totals,
    sources,
    sweeps: observe.activity.sweepStats(),
  };
}

/** Seed 004's `/monitoring/idempotency` and seed 003's `/cache/stats`: the same view. */
export function idempotencyRoutes(app: FastifyInstance, deps: AdminDeps): void {
  for (const path of ['/monitoring/idempotency', '/cache/stats'])
    app.get(path, async (_request, reply) => ok(reply, await idempotencyView(deps)));
}
