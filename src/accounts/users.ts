import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';

export type UserRow = typeof users.$inferSelect;

/** The account as the API shows it; never carries the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  username: string;
  plan: string;
  /** Every plan of the account, free included; content opens when any of them includes its plan. */
  plans: string[];
  emailVerified: boolean;
  planExpiresAt: string | null;
}

/** Normalises an email for storage and lookup, so case and stray spaces do not create duplicates. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Finds an account by email, or null. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const rows = await db.select().from(users).where(eq(users.email, normaliseEmail(email))).limit(1);
  return rows[0] ?? null;
}

/** Finds an account by id, or null. */
export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0] ?? null;
}

export type CreateUserOutcome = { ok: true; user: UserRow } | { ok: false; conflict: 'email' | 'username' };

/** Inserts an account; a unique-constraint conflict comes back as a value, not an exception. */
export async function createUser(db: Db, input: { email: string; username: string; passwordHash: string }): Promise<CreateUserOutcome> {
  try {
    const rows = await db.insert(users).values({ email: normaliseEmail(input.email), username: input.username, passwordHash: input.passwordHash }).returning();
    return { ok: true, user: rows[0]! };
  } catch (error) {
    const conflict = uniqueViolationColumn(error);
    if (conflict) return { ok: false, conflict };
    throw error;
  }
}

/**
 * Marks the account's email verified, provided `email` is still its address:
 * a link mailed to an address the account has since left proves nothing.
 * Returns false when the address no longer matches.
 */
export async function markEmailVerified(db: Db, userId: string, email: string): Promise<boolean> {
  const now = new Date();
  const rows = await db.update(users).set({ emailVerifiedAt: now, updatedAt: now })
    .where(and(eq(users.id, userId), eq(users.email, normaliseEmail(email)), isNull(users.emailVerifiedAt)))
    .returning({ id: users.id });
  if (rows.length > 0) return true;
  // Already verified: a second confirmation of the same address is not an error.
  const current = await findUserById(db, userId);
  return current !== null && current.email === normaliseEmail(email);
}

export type ChangeEmailOutcome = { ok: true } | { ok: false; conflict: 'email' };

/** Moves the account to a new, verified address; another account holding it comes back as a conflict. */
export async function changeUserEmail(db: Db, userId: string, newEmail: string): Promise<ChangeEmailOutcome> {
  const now = new Date();
  try {
    await db.update(users).set({ email: normaliseEmail(newEmail), emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, userId));
    return { ok: true };
  } catch (error) {
    if (uniqueViolationColumn(error) === 'email') return { ok: false, conflict: 'email' };
    throw error;
  }
}

/** Builds the public shape of an account from its row and effective plan. */
export function toPublicUser(row: UserRow, plan: { planId: string; expiresAt: Date | null; heldPlanIds?: string[] }): PublicUser {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    plan: plan.planId,
    plans: plan.heldPlanIds ?? [...new Set(['free', plan.planId])],
    emailVerified: row.emailVerifiedAt !== null,
    planExpiresAt: plan.expiresAt ? plan.expiresAt.toISOString() : null,
  };
}

function uniqueViolationColumn(error: unknown): 'email' | 'username' | null {
  // Drizzle wraps driver errors; Postgres and PGlite both report SQLSTATE 23505 with the constraint name.
  const candidates = [error, (error as { cause?: unknown })?.cause];
  for (const candidate of candidates) {
    const details = candidate as { code?: string; constraint?: string; message?: string } | undefined;
    if (details?.code !== '23505') continue;
    const text = `${details.constraint ?? ''} ${details.message ?? ''}`;
    if (text.includes('username')) return 'username';
    if (text.includes('email')) return 'email';
  }
  return null;
}
