import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError, errors } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Progressive delays after failed sign-ins, shared by sign-in, password reset and account deletion. */
    signInThrottle: SignInThrottle;
  }
}

/** When delays start and how long they may grow, for one kind of key. */
export interface SignInDelayPolicy {
  /** Consecutive failures allowed before the first delay. */
  freeFailures: number;
  maxDelaySeconds: number;
  /** Failures are forgotten this long after the first of a series, even without a success. */
  memorySeconds: number;
}

/** One account is guessed at from anywhere: delays start after 5 failures. */
export const ACCOUNT_DELAY_POLICY: SignInDelayPolicy = { freeFailures: 5, maxDelaySeconds: 15 * 60, memorySeconds: 24 * 60 * 60 };
/** One address may be a classroom behind one NAT, so it gets more failures before its delays start. */
export const IP_DELAY_POLICY: SignInDelayPolicy = { freeFailures: 20, maxDelaySeconds: 15 * 60, memorySeconds: 24 * 60 * 60 };

/** The two keys one sign-in attempt counts against. */
export interface SignInKeys {
  /** The normalised email, whether or not an account has it, so delays do not reveal which accounts exist. */
  account: string;
  ip: string;
}

/**
 * Progressive delays after consecutive failed sign-ins: a throttle that slows
 * password guessing, never a lock, because every wait ends and a success clears it.
 */
export interface SignInThrottle {
  /** Throws 429 `rate_limited` with the seconds left while the account or the address must wait; 503 when the store fails. */
  check(keys: SignInKeys): Promise<void>;
  /** Counts a failure and starts the wait it earns. */
  recordFailure(keys: SignInKeys): Promise<void>;
  /** Clears the failures of both keys after a correct password. */
  recordSuccess(keys: SignInKeys): Promise<void>;
  /** Clears the account's failures, as after a password reset. */
  clearAccount(account: string): Promise<void>;
}

/** Seconds to wait after `failures` consecutive failures: 0 up to the free ones, then 2, 4, 8 … up to the cap. */
export function delayAfterFailures(failures: number, policy: SignInDelayPolicy): number {
  if (failures < policy.freeFailures) return 0;
  const exponent = failures - policy.freeFailures + 1;
  return Math.min(2 ** Math.min(exponent, 30), policy.maxDelaySeconds);
}

interface KeyLimiters {
  policy: SignInDelayPolicy;
  /** Counts failures in a series. */
  failures: RateLimiterAbstract;
  /** Keeps a key blocked while its wait lasts. */
  wait: RateLimiterAbstract;
}

/**
 * Creates the throttle with its counters in Redis under `keyPrefix` when a client is
 * given, so every app instance counts the same failures, and in process memory otherwise.
 */
export function createSignInThrottle(redis: Redis | null, keyPrefix = 'lp:'): SignInThrottle {
  const account = createKeyLimiters(`${keyPrefix}signin:account`, ACCOUNT_DELAY_POLICY, redis);
  const ip = createKeyLimiters(`${keyPrefix}signin:ip`, IP_DELAY_POLICY, redis);

  return {
    async check(keys) {
      const secondsLeft = Math.max(await readWaitSeconds(account, keys.account), await readWaitSeconds(ip, keys.ip));
      if (secondsLeft > 0) throw errors.rateLimited(secondsLeft);
    },
    async recordFailure(keys) {
      await countFailure(account, keys.account);
      await countFailure(ip, keys.ip);
    },
    async recordSuccess(keys) {
      await clearKey(account, keys.account);
      await clearKey(ip, keys.ip);
    },
    async clearAccount(accountKey) {
      await clearKey(account, accountKey);
    },
  };
}

/** Adds `app.signInThrottle`, one instance for the whole app, so every route uses the same counters. */
export const signInThrottlePlugin = fp(async (app: FastifyInstance, options: { redis: Redis | null; keyPrefix: string }) => {
  app.decorate('signInThrottle', createSignInThrottle(options.redis, options.keyPrefix));
}, { name: 'sign-in-throttle' });

function createKeyLimiters(keyPrefix: string, policy: SignInDelayPolicy, redis: Redis | null): KeyLimiters {
  const build = (name: string, points: number, duration: number): RateLimiterAbstract => {
    const options = { keyPrefix: `${keyPrefix}-${name}`, points, duration };
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false }) : new RateLimiterMemory(options);
  };
  // The counters are read and written directly (get, penalty, block), never consumed, so their points only mark "blocked".
  return { policy, failures: build('failures', Number.MAX_SAFE_INTEGER, policy.memorySeconds), wait: build('wait', 1, policy.maxDelaySeconds) };
}

async function readWaitSeconds(limiters: KeyLimiters, key: string): Promise<number> {
  const state = await guardStore(() => limiters.wait.get(key));
  if (!state || state.consumedPoints <= limiters.wait.points || state.msBeforeNext <= 0) return 0;
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}

async function countFailure(limiters: KeyLimiters, key: string): Promise<void> {
  const counted = await guardStore(() => limiters.failures.penalty(key, 1));
  const delaySeconds = delayAfterFailures(counted.consumedPoints, limiters.policy);
  if (delaySeconds > 0) await guardStore(() => limiters.wait.block(key, delaySeconds));
}

async function clearKey(limiters: KeyLimiters, key: string): Promise<void> {
  await guardStore(() => limiters.failures.delete(key));
  await guardStore(() => limiters.wait.delete(key));
}

/** Fails closed like the other limits: when the store is down, sign-in pauses instead of counting nothing. */
async function guardStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw errors.rateLimitUnavailable();
  }
}
