import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { TenantConfig } from '../config/schema.ts';
import { HookgateError } from '../domain/errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The bearer token of a request, if it carries one. */
function bearerOf(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Whether a request carries `Authorization: Bearer <token>`, compared in constant time (both
 * sides hashed, so lengths never differ).
 */
export function bearerMatcher(token: string) {
  const expected = digest(token);
  return (request: FastifyRequest): boolean => {
    const given = bearerOf(request);
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}

/** Who a request acts as: the operator (every tenant), or one tenant. */
export type AdminScope = { readonly tenant: null } | { readonly tenant: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin token check; null before it (or on a route without it). */
    adminScope: AdminScope | null;
  }
  interface FastifyContextConfig {
    /**
     * A tenant's token may call this route, which answers with that tenant's data only (see
     * src/admin/scope.ts). Unset: the route is the operator's; a tenant's token gets 403.
     */
    tenantScoped?: boolean;
  }
}

/** The admin tokens: the operator's (`admin.token`) and each tenant's (`tenants[].adminTokens`). */
export class AdminTokens {
  private readonly tokens: { readonly digest: Buffer; readonly scope: AdminScope }[];

  constructor(operator: string | undefined, tenants: readonly TenantConfig[]) {
    this.tokens = [
      ...(operator === undefined ? [] : [{ digest: digest(operator), scope: { tenant: null } }]),
      ...tenants.flatMap((t) =>
        t.adminTokens.map((token) => ({ digest: digest(token), scope: { tenant: t.name } })),
      ),
    ];
  }

  get any(): boolean {
    return this.tokens.length > 0;
  }

  /** The scope of the request's token; undefined: no token, or not one of these. */
  scopeOf(request: FastifyRequest): AdminScope | undefined {
    const given = bearerOf(request);
    if (given === undefined) return undefined;
    const hashed = digest(given);
    // Every token is compared (constant time each), so timing says nothing of which matched.
    let found: AdminScope | undefined;
    for (const t of this.tokens) if (timingSafeEqual(hashed, t.digest)) found ??= t.scope;
    return found;
  }
}

/**
 * The one rule of admin access, an onRequest hook: no valid token → 401 UNAUTHORIZED; the token's
 * scope is kept on the request; a tenant's token on a route not marked `tenantScoped` → 403
 * OPERATOR_ONLY (routes are the operator's unless they say otherwise, so a route added later is
 * never open to tenants by mistake).
 */
export function adminAuth(tokens: AdminTokens) {
  return async (request: FastifyRequest): Promise<void> => {
    const scope = tokens.scopeOf(request);
    if (scope === undefined) throw new HookgateError('UNAUTHORIZED');
    request.adminScope = scope;
    if (scope.tenant !== null && request.routeOptions.config.tenantScoped !== true)
      throw new HookgateError('OPERATOR_ONLY');
  };
}
