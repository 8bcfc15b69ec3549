import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RedisConnection } from './redis-connection.ts';

export interface LimiterOptions {
  /** e.g. `src:orders`; the Redis key prefix comes before it. */
  readonly keyPrefix: string;
  readonly points: number;
  /** Seconds. */
  readonly duration: number;
  readonly blockDuration?: number;
}

/**
 * A rate limiter in memory, or, with Redis, one budget shared by every instance. When Redis is
 * not ready (or a command fails) the call goes to an in-memory insurance limiter at once, so a
 * request never waits for Redis and limiting goes on per instance.
 */
export function createRateLimiter(
  options: LimiterOptions,
  redis: RedisConnection | undefined,
): RateLimiterAbstract {
  const base = {
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.duration,
    blockDuration: options.blockDuration ?? 0,
  };
  if (redis === undefined) return new RateLimiterMemory(base);
  return new RateLimiterRedis({
    ...base,
    // Redis counts whole seconds (its key expiry): round a fractional window up, never to 0.
    duration: Math.max(1, Math.ceil(options.duration)),
    storeClient: redis.client,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(base),
  });
}
