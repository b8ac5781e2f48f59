import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { errors } from '../errors.js';

/** Named limits; each route declares which one it counts against. */
export interface RateLimitRule {
  name: string;
  points: number;
  durationSeconds: number;
  /**
   * 'local' keeps the counter in this process even when Redis is configured: for
   * broad abuse limits on routes that must keep working while Redis is down.
   */
  store?: 'shared' | 'local';
}

export interface RateLimits {
  /** Counts one request for `key` against `rule`; throws 429 when over, 503 when the store fails. */
  consume(rule: RateLimitRule, key: string): Promise<void>;
}

/**
 * Creates limiters in Redis when a client is given, so every app instance
 * shares the counters, and in process memory otherwise (one instance only).
 */
export function createRateLimits(redis: Redis | null, keyPrefix = 'lp:'): RateLimits {
  const limiters = new Map<string, RateLimiterAbstract>();

  function limiterFor(rule: RateLimitRule): RateLimiterAbstract {
    let limiter = limiters.get(rule.name);
    if (limiter) return limiter;
    const options = { keyPrefix: `${keyPrefix}rl:${rule.name}`, points: rule.points, duration: rule.durationSeconds };
    const shared = redis !== null && rule.store !== 'local';
    limiter = shared ? new RateLimiterRedis({ ...options, storeClient: redis!, useRedisPackage: false }) : new RateLimiterMemory(options);
    limiters.set(rule.name, limiter);
    return limiter;
  }

  return {
    async consume(rule, key) {
      try {
        await limiterFor(rule).consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          throw errors.rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
        }
        // The store itself failed: fail closed rather than let requests through uncounted.
        throw errors.rateLimitUnavailable();
      }
    },
  };
}
