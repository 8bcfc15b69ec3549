import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SourceConfig } from '../config/schema.ts';
import { getProvider } from '../providers/index.ts';
import type { RedisConnection } from '../shared/redis-connection.ts';
import { createRateLimiter } from '../shared/rate-limiter.ts';
import type { VerifySource } from '../verify/verified.ts';
import { IpAllowlist } from './allowlist.ts';

export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Everything ingress needs about one source, built once at start. */
export class SourceRuntime {
  readonly verify: VerifySource;
  readonly bodyLimit: number;
  /** Header names that carry this source's credentials, as its provider declares them. */
  readonly redactHeaders: readonly string[];
  private readonly allowlist: IpAllowlist | undefined;
  private readonly limiter: RateLimiterAbstract | undefined;

  constructor(
    readonly config: SourceConfig,
    serverBodyLimit: number,
    /** Set: the rate limit is one budget shared by every instance. */
    redis?: RedisConnection,
  ) {
    const provider = getProvider(config.provider);
    if (provider === undefined) throw new Error(`unknown provider ${config.provider}`);
    this.verify = {
      provider,
      secrets: config.secrets,
      toleranceSeconds: config.toleranceSeconds,
      options: config.options,
      runtime: provider.runtime?.(config.options),
      verificationChallenge: config.verificationChallenge,
    };
    this.bodyLimit = config.bodyLimit ?? serverBodyLimit;
    this.redactHeaders = provider.credentialHeaders(config.options);
    this.allowlist = config.allowIps && new IpAllowlist(config.allowIps);
    this.limiter =
      config.rateLimit &&
      createRateLimiter(
        {
          keyPrefix: `src:${config.name}`,
          points: config.rateLimit.points,
          duration: config.rateLimit.duration,
          blockDuration: config.rateLimit.blockDuration,
        },
        redis,
      );
  }

  get name(): string {
    return this.config.name;
  }

  allowsIp(ip: string): boolean {
    return this.allowlist === undefined || this.allowlist.allows(ip);
  }

  async takeRateToken(ip: string): Promise<RateDecision> {
    if (this.limiter === undefined || this.config.rateLimit === undefined) return { allowed: true };
    return consumeRateToken(this.limiter, this.config.rateLimit.key === 'ip' ? ip : 'all');
  }
}

/** One token of `key`'s budget, or how long until the next one. */
export async function consumeRateToken(
  limiter: RateLimiterAbstract,
  key: string,
): Promise<RateDecision> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (res) {
    if (res instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
    }
    throw res;
  }
}
