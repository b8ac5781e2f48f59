import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { paymentNotifications } from '../db/schema.js';
import type { NotificationOutcome } from './notification-outcome.js';

export type LedgerRow = typeof paymentNotifications.$inferSelect;
export type Verification = LedgerRow['verification'];

/** Ledger columns that describe a notification, once its payload could be read. */
export interface LedgerDetails {
  notificationId?: string | null;
  notificationType?: string | null;
  paymentStatus?: string | null;
  userId?: string | null;
  planId?: string | null;
  amount?: string | null;
  currency?: string | null;
}

/**
 * Appends a notification to the ledger as it arrives, before anything else
 * happens, so a message is on record even when handling it fails half-way.
 * Returns the ledger row id.
 */
export async function recordNotificationReceived(db: Db, input: { source: 'ipn' | 'webhook'; rawPayload: string; ip: string | null; details?: LedgerDetails }): Promise<number> {
  const [row] = await db.insert(paymentNotifications)
    .values({ source: input.source, rawPayload: input.rawPayload, ip: input.ip, verification: 'pending', ...input.details })
    .returning({ id: paymentNotifications.id });
  return row!.id;
}

/** Writes the verification result and the action taken to a ledger row. */
export async function recordNotificationResult(db: Db, ledgerId: number, input: { verification: Verification; outcome: NotificationOutcome; details?: LedgerDetails; now?: Date }): Promise<void> {
  await db.update(paymentNotifications).set({
    verification: input.verification,
    action: input.outcome.action,
    detail: input.outcome.detail,
    processedAt: input.now ?? new Date(),
    ...(input.outcome.userId ? { userId: input.outcome.userId } : {}),
    ...input.details,
  }).where(eq(paymentNotifications.id, ledgerId));
}

/** Lists the newest ledger rows, for the operator. */
export async function listLedger(db: Db, limit: number): Promise<LedgerRow[]> {
  return db.select().from(paymentNotifications).orderBy(desc(paymentNotifications.id)).limit(limit);
}

/** Lists the verified notifications about one account, newest first: its payment history. */
export async function listAccountPayments(db: Db, userId: string, limit = 50): Promise<LedgerRow[]> {
  return db.select().from(paymentNotifications)
    .where(and(eq(paymentNotifications.userId, userId), eq(paymentNotifications.verification, 'verified')))
    .orderBy(desc(paymentNotifications.id))
    .limit(limit);
}
