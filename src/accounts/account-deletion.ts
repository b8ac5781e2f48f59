import { eq, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEvents, paymentNotifications, users } from '../db/schema.js';

/** Replaces the raw PayPal payload of a deleted account's ledger rows, which contains the payer's name and email. */
const REMOVED_PAYLOAD = '[removed when the account was deleted]';

/**
 * Deletes an account and its personal data in one transaction.
 * Rows that reference the account through `ON DELETE CASCADE` go with it: sessions,
 * mailed tokens, entitlements, progress and tutor conversations and usage.
 * The audit events about the account go too, with the sign-in throttle events that
 * name its email before anyone signed in.
 * The payments ledger stays, because payments must stay accountable: its rows lose
 * the account id (`ON DELETE SET NULL`), and notifications lose their raw payload and
 * sender IP, so what remains is transaction ids, plans, amounts and dates.
 */
export async function deleteAccount(db: Db, user: { id: string; email: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(auditEvents).where(or(
      eq(auditEvents.userId, user.id),
      sql`${auditEvents.details} ->> 'email' = ${user.email}`,
    ));
    await tx.update(paymentNotifications).set({ rawPayload: REMOVED_PAYLOAD, ip: null }).where(eq(paymentNotifications.userId, user.id));
    await tx.delete(users).where(eq(users.id, user.id));
  });
}
