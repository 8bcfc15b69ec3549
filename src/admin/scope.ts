import type { FastifyRequest } from 'fastify';
import { HookgateError } from '../domain/errors.ts';
import { tenantOf } from '../domain/tenant.ts';
import type { AdminScope } from './auth.ts';

/**
 * What one admin request may see, from its token (src/admin/auth.ts): the operator everything,
 * a tenant's token its own tenant's rows and names only. Routes marked `tenantScoped` go through
 * this for every read and action: the tenant goes into the store's filters, names in the request
 * are read as the tenant's own, and anything of another tenant answers 404 as if it did not exist.
 */
export class Scope {
  constructor(
    /** null: the operator's token. */
    readonly tenant: string | null,
  ) {}

  /** The tenant for a store filter: undefined (no restriction) for the operator. */
  get filterTenant(): string | undefined {
    return this.tenant ?? undefined;
  }

  /**
   * A source, destination or route name as the request gives it: a tenant's token names its own
   * (`hook` is `acme/hook`); a qualified name of another tenant stays as is and finds nothing.
   */
  name(name: string): string;
  name(name: string | undefined): string | undefined;
  name(name: string | undefined): string | undefined {
    if (name === undefined || this.tenant === null || name.includes('/')) return name;
    return `${this.tenant}/${name}`;
  }

  /** Whether a (qualified) source, destination or route name is within this scope. */
  owns(name: string): boolean {
    return this.tenant === null || tenantOf(name) === this.tenant;
  }

  /** Whether a row with this tenant (an event's, a job's; null: an operator's job) is visible. */
  sees(tenant: string | null): boolean {
    return this.tenant === null || tenant === this.tenant;
  }

  /** The row when visible, else the 404 an absent one gets. */
  visible<T>(row: T | undefined, tenantOfRow: (row: T) => string | null, what: string): T {
    if (row === undefined || !this.sees(tenantOfRow(row)))
      throw new HookgateError('NOT_FOUND', { message: `No ${what}.` });
    return row;
  }

  /** A filter with the scope's tenant and its names read as the tenant's own. */
  filter<F extends { source?: string | undefined; destination?: string | undefined }>(
    f: F,
  ): F & { tenant?: string | undefined } {
    return {
      ...f,
      source: this.name(f.source),
      destination: this.name(f.destination),
      tenant: this.filterTenant,
    };
  }

  /** Only the entries of a name-keyed record within this scope. */
  pick<V>(record: Readonly<Record<string, V>>): Record<string, V> {
    return Object.fromEntries(Object.entries(record).filter(([name]) => this.owns(name)));
  }
}

/** The scope the admin token check resolved for this request. */
export function scopeOf(request: FastifyRequest): Scope {
  const scope: AdminScope | null = request.adminScope;
  // Only reachable on a route registered outside adminRoutes: refuse rather than show all.
  if (scope === null) throw new HookgateError('UNAUTHORIZED');
  return new Scope(scope.tenant);
}

/** Route options of a route a tenant's token may call (it must then read through scopeOf). */
export const tenantScoped = { config: { tenantScoped: true } } as const;
