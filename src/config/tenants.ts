import { z } from 'zod';
import { destinationSchema, type DestinationConfig } from '../destinations/schema.ts';
import { defaultTenant, qualifiedName } from '../domain/tenant.ts';
import { secret } from './name.ts';
import { checkOrderingCredentials } from './ordering-credentials.ts';
import { routeSchema } from './route.ts';
import { sourceSchema } from './source.ts';

/** A tenant's name is a path segment (/webhooks/<tenant>/<source>) and a metric label value. */
export const tenantName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'use 1-32 lowercase letters, digits or "-"')
  .refine((n) => n !== defaultTenant, {
    message: `"${defaultTenant}" is reserved: the top-level sources, destinations and routes are tenant "${defaultTenant}"`,
  });

/** What one tenant may take of the shared gateway, so a flood of one cannot starve the others. */
export const tenantLimitsSchema = z
  .strictObject({
    /** Webhooks accepted per `duration` seconds, for all the tenant's sources together. */
    rateLimit: z
      .strictObject({
        points: z.number().int().positive(),
        duration: z.number().positive().default(1),
      })
      .optional(),
    /** Delivery attempts of the tenant in flight at once (below `delivery.concurrency`). */
    concurrency: z.number().int().positive().optional(),
  })
  .prefault({});

export const tenantSchema = z.strictObject({
  name: tenantName,
  /** Bearer tokens scoped to this tenant (several: rotation). */
  adminTokens: z.array(secret).default([]),
  limits: tenantLimitsSchema,
  sources: z.array(sourceSchema).default([]),
  destinations: z.array(destinationSchema).default([]),
  routes: z.array(routeSchema).default([]),
});

type Source = z.output<typeof sourceSchema>;
type Route = z.output<typeof routeSchema>;
type TenantInput = z.output<typeof tenantSchema>;

/** A tenant as the running gateway knows it: its lists are in the top-level ones, qualified. */
export interface TenantConfig {
  readonly name: string;
  readonly adminTokens: readonly string[];
  readonly limits: z.output<typeof tenantLimitsSchema>;
}

interface Lists {
  readonly sources: readonly Source[];
  readonly destinations: readonly DestinationConfig[];
  readonly routes: readonly Route[];
}

/** Who owns each name, for error messages that say a route crossed tenants. */
function owners(
  top: Lists,
  tenants: readonly TenantInput[],
  key: 'sources' | 'destinations',
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (tenant: string, name: string) => out.set(name, [...(out.get(name) ?? []), tenant]);
  for (const item of top[key]) add(defaultTenant, item.name);
  for (const t of tenants) for (const item of t[key]) add(t.name, item.name);
  return out;
}

/**
 * Checks one tenant's lists (the default tenant's are the top-level ones): unique names, and
 * routes between its own source and destination only.
 */
export function checkTenantLists(
  ctx: z.RefinementCtx,
  at: readonly (string | number)[],
  tenant: string,
  lists: Lists,
  all: { top: Lists; tenants: readonly TenantInput[] },
): void {
  const unique = (list: readonly { name?: string | undefined }[], key: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (item.name === undefined) return;
      if (seen.has(item.name))
        ctx.addIssue({
          code: 'custom',
          path: [...at, key, i, 'name'],
          message: `duplicate name "${item.name}"`,
        });
      seen.add(item.name);
    });
  };
  unique(lists.sources, 'sources');
  unique(lists.destinations, 'destinations');
  unique(lists.routes, 'routes');
  const own = {
    sources: new Set(lists.sources.map((s) => s.name)),
    destinations: new Set(lists.destinations.map((d) => d.name)),
  };
  checkOrderingCredentials(ctx, at, lists);
  const tenantWord = tenant === defaultTenant ? 'the top-level lists' : `tenant "${tenant}"`;
  lists.routes.forEach((r, i) => {
    for (const [field, key] of [
      ['source', 'sources'],
      ['destination', 'destinations'],
    ] as const) {
      const wanted = r[field];
      if (own[key].has(wanted)) continue;
      const elsewhere = owners(all.top, all.tenants, key).get(wanted) ?? [];
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'routes', i, field],
        message:
          elsewhere.length > 0
            ? `no ${field} named "${wanted}" in ${tenantWord} ("${wanted}" belongs to tenant ${elsewhere.map((t) => `"${t}"`).join(', ')}): a route never crosses tenants`
            : `no ${field} named "${wanted}"`,
      });
    }
  });
}

/** Tenant names unique, not shadowing a top-level source's path, tokens each in one scope. */
export function checkTenants(
  ctx: z.RefinementCtx,
  tenants: readonly TenantInput[],
  top: Lists,
  globalToken: string | undefined,
): void {
  const names = new Set<string>();
  const topSources = new Set(top.sources.map((s) => s.name));
  const tokens = new Map<string, string>();
  if (globalToken !== undefined) tokens.set(globalToken, 'admin.token');
  tenants.forEach((t, i) => {
    if (names.has(t.name))
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', i, 'name'],
        message: `duplicate name "${t.name}"`,
      });
    names.add(t.name);
    // /webhooks/<tenant>/<source> and /webhooks/<source>/<subpath> must not meet.
    if (topSources.has(t.name))
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', i, 'name'],
        message: `a top-level source is named "${t.name}" too: their webhook paths would collide`,
      });
    t.adminTokens.forEach((token, j) => {
      const other = tokens.get(token);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'adminTokens', j],
          message: `the same token as ${other}: a token has one scope`,
        });
      tokens.set(token, `tenants[${i}] (${t.name})`);
    });
    checkTenantLists(ctx, ['tenants', i], t.name, t, { top, tenants });
  });
}

/**
 * The tenants' lists joined to the top-level ones under qualified names (`acme/stripe`), so
 * everything downstream (routing, dispatch, storage) sees one list of unique names.
 */
export function flattenTenants(
  top: Lists,
  tenants: readonly TenantInput[],
): Lists & { tenants: TenantConfig[] } {
  const q = qualifiedName;
  return {
    sources: [
      ...top.sources,
      ...tenants.flatMap((t) => t.sources.map((s) => ({ ...s, name: q(t.name, s.name) }))),
    ],
    destinations: [
      ...top.destinations,
      ...tenants.flatMap((t) => t.destinations.map((d) => ({ ...d, name: q(t.name, d.name) }))),
    ],
    routes: [
      ...top.routes,
      ...tenants.flatMap((t) =>
        t.routes.map((r) => ({
          ...r,
          ...(r.name !== undefined ? { name: q(t.name, r.name) } : {}),
          source: q(t.name, r.source),
          destination: q(t.name, r.destination),
        })),
      ),
    ],
    tenants: tenants.map((t) => ({ name: t.name, adminTokens: t.adminTokens, limits: t.limits })),
  };
}
