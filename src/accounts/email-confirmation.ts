import type { Db } from '../db/client.js';
import { consumeAccountToken, revokeAccountTokens } from './account-tokens.js';
import { changeUserEmail, markEmailVerified } from './users.js';

export type EmailConfirmationOutcome =
  | { ok: true; userId: string; changedEmail: boolean }
  | { ok: false; reason: 'invalid_token' | 'email_taken' };

/**
 * Uses a mailed email token. A verification token marks the current address verified.
 * An email-change token moves the account to the new address, which counts as verified,
 * and voids the reset and verification links sent to the old one.
 */
export async function confirmEmailToken(db: Db, token: string): Promise<EmailConfirmationOutcome> {
  const claim = await consumeAccountToken(db, token, ['verify_email', 'change_email']);
  if (!claim) return { ok: false, reason: 'invalid_token' };

  if (claim.purpose === 'verify_email') {
    const verified = await markEmailVerified(db, claim.userId, claim.email);
    return verified ? { ok: true, userId: claim.userId, changedEmail: false } : { ok: false, reason: 'invalid_token' };
  }

  const changed = await changeUserEmail(db, claim.userId, claim.email);
  if (!changed.ok) return { ok: false, reason: 'email_taken' };
  await revokeAccountTokens(db, claim.userId, ['password_reset', 'verify_email']);
  return { ok: true, userId: claim.userId, changedEmail: true };
}
