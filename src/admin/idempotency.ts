import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ok, parse, notFound, type AdminDeps } from './http.ts';
import { Scope, scopeOf, tenantScoped } from './scope.ts';

/** Seed 003's `?tenant_id=`: one tenant's figures (a tenant's token: only its own). */
const statsQuery = z.strictObject({ tenant_id: z.string().min(1).max(100).optional() });

/**
 * The dedupe keys are Hookgate's cache of what it has seen: per source, the keys held (their
 * window open), those expiring soon and those expired but not yet swept (from the store, across
 * instances), the duplicates caught (this instance, since start and over the monitoring window),
 * and the sweeps that removed expired keys (the operator's view only: a sweep spans tenants).
 */
export async function idempotencyView(deps: AdminDeps, scope: Scope) {
  const { config, store, clock, observe } = deps;
  const soonMs = config.monitoring.expiringSoon;
  const keys = await store.dedupeStats({ now: clock.now(), soonMs });
  const totals = { held: 0, expiringSoon: 0, expired: 0, duplicatesSinceStart: 0 };
  const sources = Object.fromEntries(
    config.sources
      .filter((s) => scope.owns(s.name))
      .map((s) => {
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
    ...(scope.tenant === null ? {} : { tenant: scope.tenant }),
    expiringSoonMs: soonMs,
    recentWindowMs: config.monitoring.window,
    totals,
    sources,
    sweeps: scope.tenant === null ? observe.activity.sweepStats() : null,
  };
}

/** Seed 004's `/monitoring/idempotency` and seed 003's `/cache/stats`: the same view. */
export function idempotencyRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const tenants = new Set(deps.config.tenants.map((t) => t.name));
  for (const path of ['/monitoring/idempotency', '/cache/stats'])
    app.get(path, tenantScoped, async (request, reply) => {
      const scope = scopeOf(request);
      const wanted = parse(statsQuery, request.query, 'INVALID_FILTER').tenant_id;
      if (wanted === undefined) return ok(reply, await idempotencyView(deps, scope));
      // Another tenant's id, or none configured: 404 alike (existence is not revealed).
      if (!tenants.has(wanted) || !scope.sees(wanted)) throw notFound('tenant with this id');
      return ok(reply, await idempotencyView(deps, new Scope(wanted)));
    });
}
