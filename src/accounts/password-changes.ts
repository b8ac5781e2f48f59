import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';
import { consumeAccountToken, revokeAccountTokens } from './account-tokens.js';
import { revokeOtherSessions } from './session-management.js';
import { revokeAllSessions } from './sessions.js';

/**
 * Stores a new password hash for a signed-in learner who gave the current password.
 * In one transaction it also revokes every other session and voids outstanding reset
 * and email-change links, so anyone who knew the old password loses the sessions and links it gave them.
 */
export async function changePassword(db: Db, userId: string, passwordHash: string, currentSessionIdHash: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
    await revokeOtherSessions(tx, userId, currentSessionIdHash);
    await revokeAccountTokens(tx, userId, ['password_reset', 'change_email']);
  });
}

/**
 * Uses a reset token and stores the new password hash in one transaction, then
 * revokes every session and voids other reset and email-change links. Returns the
 * account id, or null when the token is unknown, used, expired, or was mailed to an
 * address the account no longer has. Opening the link proves the mailbox, so the
 * address also counts as verified.
 */
export async function resetPasswordWithToken(db: Db, token: string, passwordHash: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    const claim = await consumeAccountToken(tx, token, ['password_reset']);
    if (!claim) return null;

    const now = new Date();
    const updated = await tx.update(users).set({ passwordHash, updatedAt: now })
      .where(and(eq(users.id, claim.userId), eq(users.email, claim.email)))
      .returning({ id: users.id });
    if (updated.length === 0) return null;

    await tx.update(users).set({ emailVerifiedAt: now }).where(and(eq(users.id, claim.userId), isNull(users.emailVerifiedAt)));
    await revokeAllSessions(tx, claim.userId);
    await revokeAccountTokens(tx, claim.userId, ['password_reset', 'change_email']);
    return claim.userId;
  });
}
