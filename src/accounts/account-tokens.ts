import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accountTokens } from '../db/schema.js';

/** Purpose of a mailed token: confirming the current address, confirming a new address, or setting a new password. */
export type AccountTokenPurpose = 'verify_email' | 'change_email' | 'password_reset';

/** A reset link is a password in the mail, so it lives briefly; verification links allow for slow mailboxes. */
export const TOKEN_LIFETIME_MS: Readonly<Record<AccountTokenPurpose, number>> = {
  verify_email: 24 * 60 * 60 * 1000,
  change_email: 24 * 60 * 60 * 1000,
  password_reset: 15 * 60 * 1000,
};

/** 32 random bytes: a token cannot be guessed, and only its SHA-256 is stored. */
const TOKEN_BYTES = 32;
/** A base64url token of 32 bytes has 43 characters; anything much longer is not ours and is not hashed. */
const MAX_TOKEN_CHARS = 100;

/** The account, purpose and address a live token was issued for. */
export interface AccountTokenClaim {
  userId: string;
  purpose: AccountTokenPurpose;
  /** The address the token was mailed to. */
  email: string;
}

/** Hashes a mailed token into its stored key. */
export function hashAccountToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Creates a token for `purpose` and returns it for the mail. Earlier unused tokens
 * of the same purpose for the account stop working, so only the newest link is live.
 */
export async function issueAccountToken(db: Db, input: { userId: string; purpose: AccountTokenPurpose; email: string }): Promise<string> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_MS[input.purpose]);

  await revokeAccountTokens(db, input.userId, [input.purpose]);
  await db.insert(accountTokens).values({ tokenHash: hashAccountToken(token), userId: input.userId, purpose: input.purpose, email: input.email, expiresAt });
  return token;
}

/**
 * Does the random draw, the hash and the revoking query of `issueAccountToken`
 * for no account, so a request about an unknown email costs about the same time.
 */
export async function issueDummyAccountToken(db: Db, purpose: AccountTokenPurpose): Promise<void> {
  hashAccountToken(randomBytes(TOKEN_BYTES).toString('base64url'));
  await revokeAccountTokens(db, randomUUID(), [purpose]);
}

/** Finds a live token (unused and not expired) without using it up, or null. */
export async function findLiveAccountToken(db: Db, token: string, purposes: AccountTokenPurpose[]): Promise<AccountTokenClaim | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return null;

  const rows = await db.select({ userId: accountTokens.userId, purpose: accountTokens.purpose, email: accountTokens.email })
    .from(accountTokens)
    .where(liveTokenCondition(hashAccountToken(token), purposes))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Marks a live token used and returns what it was issued for, or null when it is
 * unknown, used or expired. One UPDATE does both, so two requests racing with the
 * same token cannot both succeed.
 */
export async function consumeAccountToken(db: Db, token: string, purposes: AccountTokenPurpose[]): Promise<AccountTokenClaim | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return null;

  const rows = await db.update(accountTokens)
    .set({ usedAt: new Date() })
    .where(liveTokenCondition(hashAccountToken(token), purposes))
    .returning({ userId: accountTokens.userId, purpose: accountTokens.purpose, email: accountTokens.email });
  return rows[0] ?? null;
}

/** Makes every unused token of these purposes for the account unusable. */
export async function revokeAccountTokens(db: Db, userId: string, purposes: AccountTokenPurpose[]): Promise<void> {
  await db.update(accountTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(accountTokens.userId, userId), inArray(accountTokens.purpose, purposes), isNull(accountTokens.usedAt)));
}

function liveTokenCondition(tokenHash: string, purposes: AccountTokenPurpose[]) {
  // Looked up by digest: the time of the index lookup could at most hint at a prefix of a stored digest, which does not help to forge a token.
  return and(
    eq(accountTokens.tokenHash, tokenHash),
    inArray(accountTokens.purpose, purposes),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, new Date()),
  );
}
