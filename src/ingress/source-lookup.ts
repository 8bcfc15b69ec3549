import type { TenantConfig } from '../config/schema.ts';
import type { RedisConnection } from '../shared/redis-connection.ts';
import { createRateLimiter } from '../shared/rate-limiter.ts';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeRateToken, type RateDecision, type SourceRuntime } from './source-runtime.ts';

/** A source found from a webhook path, and what of the path is left for the provider. */
export interface FoundSource {
  readonly source: SourceRuntime;
  /** `/status` of `/webhooks/twilio/status`; empty when nothing follows the source. */
  readonly subpath: string;
}

/**
 * Finds the source a webhook path names: `/webhooks/<tenant>/<source>[/…]` for a tenant's,
 * `/webhooks/<source>[/…]` for the default tenant's (a tenant never shares a name with a
 * top-level source: the configuration refuses it). Path bytes are only compared, never parsed.
 */
export class SourceLookup {
  private readonly tenants: ReadonlyMap<string, RateLimiterAbstract | undefined>;

  constructor(
    private readonly sources: ReadonlyMap<string, SourceRuntime>,
    tenants: readonly TenantConfig[],
    redis?: RedisConnection,
  ) {
    this.tenants = new Map(
      tenants.map((t) => [
        t.name,
        t.limits.rateLimit &&
          createRateLimiter(
            {
              keyPrefix: `tenant:${t.name}`,
              points: t.limits.rateLimit.points,
              duration: t.limits.rateLimit.duration,
            },
            redis,
          ),
      ]),
    );
  }

  /** `first` is the path segment after the prefix, `rest` what follows it (no leading slash). */
  find(first: string, rest: string | undefined): FoundSource | undefined {
    if (first.includes('/')) return undefined;
    if (this.tenants.has(first) && rest) {
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      const source = this.sources.get(`${first}/${name}`);
      return source && { source, subpath: slash < 0 ? '' : rest.slice(slash) };
    }
    const source = this.sources.get(first);
    return source && { source, subpath: rest ? `/${rest}` : '' };
  }

  /** The source's tenant's budget (all its sources together), when it has one. */
  async takeTenantToken(tenant: string): Promise<RateDecision> {
    const limiter = this.tenants.get(tenant);
    return limiter ? consumeRateToken(limiter, 'all') : { allowed: true };
  }
}
