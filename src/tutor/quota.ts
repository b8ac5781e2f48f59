import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { tutorUsage } from '../db/schema.js';

/** The daily question quota of one account, as `GET /api/tutor/quota` returns it. */
export interface TutorQuota {
  limit: number;
  used: number;
  remaining: number;
  /** ISO 8601 time of the next midnight UTC, when `used` starts again from 0. */
  resetsAt: string;
}

/** Outcome of counting one question against the quota. */
export type QuotaCharge =
  | { allowed: true; used: number; remaining: number; day: string }
  | { allowed: false; resetsAt: Date };

/** Returns the UTC calendar day of `now` as YYYY-MM-DD, the key the counter is stored under. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Returns the first instant of the UTC day after `now`. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/**
 * Counts one question for today if the account is under `limit`.
 *
 * The check and the increment are one statement: the conditional upsert locks the
 * counter row, so parallel requests from one account can never push `used` past
 * the limit, on Postgres or PGlite, with any number of app instances.
 */
export async function chargeTutorQuestion(db: Db, userId: string, limit: number, now: Date = new Date()): Promise<QuotaCharge> {
  if (limit <= 0) return { allowed: false, resetsAt: nextUtcMidnight(now) };

  const day = utcDay(now);
  const rows = await db.insert(tutorUsage)
    .values({ userId, day, used: 1 })
    .onConflictDoUpdate({
      target: [tutorUsage.userId, tutorUsage.day],
      set: { used: sql`${tutorUsage.used} + 1` },
      setWhere: sql`${tutorUsage.used} < ${limit}`,
    })
    .returning({ used: tutorUsage.used });

  const used = rows[0]?.used;
  // No row comes back when the WHERE of the update rejected it: the limit is reached.
  if (used === undefined) return { allowed: false, resetsAt: nextUtcMidnight(now) };
  return { allowed: true, used, remaining: Math.max(0, limit - used), day };
}

/**
 * Gives back one question on `day`, the day it was charged on, so a failure
 * that straddles midnight refunds the right counter.
 */
export async function refundTutorQuestion(db: Db, userId: string, day: string): Promise<void> {
  await db.update(tutorUsage)
    .set({ used: sql`${tutorUsage.used} - 1` })
    .where(and(eq(tutorUsage.userId, userId), eq(tutorUsage.day, day), gt(tutorUsage.used, 0)));
}

/** Reads how many questions the account has asked today against `limit`. */
export async function readTutorQuota(db: Db, userId: string, limit: number, now: Date = new Date()): Promise<TutorQuota> {
  const rows = await db.select({ used: tutorUsage.used }).from(tutorUsage)
    .where(and(eq(tutorUsage.userId, userId), eq(tutorUsage.day, utcDay(now))))
    .limit(1);

  const used = rows[0]?.used ?? 0;
  return { limit, used, remaining: Math.max(0, limit - used), resetsAt: nextUtcMidnight(now).toISOString() };
}
