import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sessions } from '../db/schema.js';

/** 32 random bytes: a session id cannot be guessed, and only its hash is stored. */
const SESSION_TOKEN_BYTES = 32;
/** last_seen_at is written at most this often, so every request is not a database write. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionPolicy {
  idleMinutes: number;
  absoluteDays: number;
}

export interface ActiveSession {
  idHash: string;
  userId: string;
}

/** Hashes a cookie token into the stored session key. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a session and returns the raw token for the cookie; the database keeps only its hash. */
export async function createSession(db: Db, userId: string, policy: SessionPolicy, client: { ip: string; userAgent: string | undefined }): Promise<{ token: string; idHash: string; expiresAt: Date }> {
  const token = randomBytes(SESSION_TOKEN_BYTES).toString('base64url');
  const idHash = hashSessionToken(token);
  const expiresAt = new Date(Date.now() + policy.absoluteDays * 24 * 60 * 60 * 1000);

  await db.insert(sessions).values({ idHash, userId, expiresAt, ip: client.ip, userAgent: client.userAgent?.slice(0, 300) ?? null });
  return { token, idHash, expiresAt };
}

/**
 * Finds the live session for a cookie token: not revoked, before its absolute
 * expiry, and used within the idle window. Refreshes last_seen_at now and then.
 */
export async function findActiveSession(db: Db, token: string, policy: SessionPolicy): Promise<ActiveSession | null> {
  if (token.length === 0 || token.length > 100) return null;

  const now = new Date();
  const idHash = hashSessionToken(token);
  const rows = await db.select().from(sessions)
    .where(and(eq(sessions.idHash, idHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;

  const idleLimitMs = policy.idleMinutes * 60 * 1000;
  if (now.getTime() - row.lastSeenAt.getTime() > idleLimitMs) {
    await revokeSession(db, idHash);
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
  }
  return { idHash, userId: row.userId };
}

/** Revokes one session server-side; its cookie stops working at once. */
export async function revokeSession(db: Db, idHash: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.idHash, idHash), isNull(sessions.revokedAt)));
}

/** Revokes every session of an account, as after a password reset. */
export async function revokeAllSessions(db: Db, userId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
