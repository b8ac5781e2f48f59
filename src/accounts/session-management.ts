import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sessions } from '../db/schema.js';
import type { SessionPolicy } from './sessions.js';

/** A live session as the account page lists it. */
export interface ListedSession {
  /** Opaque id for the account page; the stored key (the cookie's hash) never leaves the server. */
  publicId: string;
  idHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** Lists the account's live sessions (not revoked, not expired, used within the idle window), most recently used first. */
export async function listActiveSessions(db: Db, userId: string, policy: SessionPolicy): Promise<ListedSession[]> {
  const now = Date.now();
  const idleCutoff = new Date(now - policy.idleMinutes * 60 * 1000);
  return db.select({
    publicId: sessions.publicId,
    idHash: sessions.idHash,
    createdAt: sessions.createdAt,
    lastSeenAt: sessions.lastSeenAt,
    ip: sessions.ip,
    userAgent: sessions.userAgent,
  }).from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date(now)), gt(sessions.lastSeenAt, idleCutoff)))
    .orderBy(desc(sessions.lastSeenAt));
}

/**
 * Revokes one of the account's sessions by its public id. Returns the revoked
 * session's key, or null when the account has no live session with that id,
 * so one account can never revoke another's sessions.
 */
export async function revokeSessionByPublicId(db: Db, userId: string, publicId: string): Promise<string | null> {
  const rows = await db.update(sessions).set({ revokedAt: new Date() })
    .where(and(eq(sessions.publicId, publicId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ idHash: sessions.idHash });
  return rows[0]?.idHash ?? null;
}

/** Revokes every session of the account except `keepIdHash`, as after a password change. */
export async function revokeOtherSessions(db: Db, userId: string, keepIdHash: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash), isNull(sessions.revokedAt)));
}
