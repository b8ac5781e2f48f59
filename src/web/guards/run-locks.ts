import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errors } from '../errors.js';

/** At most one run in flight per user, across every app instance when Redis is configured. */
export interface RunLocks {
  /** Takes the user's lock or returns null when a run is already in flight. */
  acquire(userId: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

/** Creates run locks in Redis when given, else in process memory. */
export function createRunLocks(redis: Redis | null, keyPrefix = 'lp:'): RunLocks {
  return redis ? createRedisRunLocks(redis, keyPrefix) : createMemoryRunLocks();
}

function createMemoryRunLocks(): RunLocks {
  const held = new Set<string>();
  return {
    async acquire(userId) {
      if (held.has(userId)) return null;
      held.add(userId);
      return async () => { held.delete(userId); };
    },
  };
}

// Deletes the key only when it still holds this holder's value, so a lock that
// expired and was taken again by a newer run is not released by the older one.
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

function createRedisRunLocks(redis: Redis, keyPrefix: string): RunLocks {
  return {
    async acquire(userId, ttlMs) {
      const key = `${keyPrefix}run-lock:${userId}`;
      const holder = randomUUID();
      let reply: string | null;
      try {
        // The TTL frees the lock if this instance dies mid-run.
        reply = await redis.set(key, holder, 'PX', ttlMs, 'NX');
      } catch {
        throw errors.rateLimitUnavailable();
      }
      if (reply !== 'OK') return null;
      return async () => { await redis.eval(RELEASE_SCRIPT, 1, key, holder).catch(() => undefined); };
    },
  };
}
