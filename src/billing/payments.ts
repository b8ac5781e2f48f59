/**
 * The payment state machine shared by IPN and webhooks. Each PayPal transaction is
 * one `payments` row, unique on its id. A plan is granted only when a transaction
 * moves that row from 'pending' to 'completed', with the row locked, so a replayed,
 * duplicated or concurrent notification finds it 'completed' and grants nothing.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entitlements, payments } from '../db/schema.js';
import type { Plan } from '../learning/content/plans.js';
import { endEntitlement, grantEntitlement, revokeEntitlement } from './entitlements.js';
import type { NotificationOutcome } from './notification-outcome.js';

export type PaymentRow = typeof payments.$inferSelect;

/** A checked payment: PayPal reports it as paid for `plan` by the account that the signed reference names. */
export interface PaymentFacts {
  txnId: string;
  kind: 'payment' | 'subscription';
  userId: string;
  plan: Plan;
  amount: string;
  currency: string;
  subscriptionId: string | null;
}

/** Records a payment PayPal reports as pending (such as an unsettled eCheck); grants nothing yet. */
export async function recordPendingPayment(db: Db, facts: PaymentFacts): Promise<NotificationOutcome> {
  const inserted = await db.insert(payments).values(toNewRow(facts)).onConflictDoNothing({ target: payments.txnId }).returning({ id: payments.id });
  if (inserted.length === 0) return { action: 'duplicate', detail: 'the transaction is already recorded' };
  return { action: 'recorded_pending', detail: 'the payment is pending at PayPal; the plan is granted when it completes' };
}

/** Grants the plan for a completed payment, once per transaction id. */
export async function completePayment(db: Db, facts: PaymentFacts, now = new Date()): Promise<NotificationOutcome> {
  return db.transaction(async (tx) => {
    const row = await insertAndLock(tx, facts);
    if (row.status !== 'pending') return { action: 'duplicate', detail: `the transaction is already ${row.status}` };
    if (row.userId !== facts.userId || row.planId !== facts.plan.id) {
      return { action: 'rejected', detail: 'the account or plan differs from an earlier message about this transaction' };
    }

    const entitlement = await grantEntitlement(tx, {
      userId: facts.userId,
      planId: facts.plan.id,
      source: 'paypal',
      durationDays: facts.plan.durationDays,
      reason: { paymentId: facts.txnId },
      now,
    });
    if (!entitlement) return { action: 'rejected', detail: 'the account no longer exists' };

    await tx.update(payments).set({ status: 'completed', entitlementId: entitlement.id, amount: facts.amount, currency: facts.currency, updatedAt: now })
      .where(eq(payments.id, row.id));
    return { action: 'granted', detail: `granted ${facts.plan.id} until ${entitlement.endsAt?.toISOString() ?? 'no end'}` };
  });
}

/** Marks a payment that PayPal reports as denied, failed, expired or voided; it can never grant afterwards. */
export async function failPayment(db: Db, facts: PaymentFacts, now = new Date()): Promise<NotificationOutcome> {
  return db.transaction(async (tx) => {
    const row = await insertAndLock(tx, facts);
    if (row.status !== 'pending') return { action: 'duplicate', detail: `the transaction is already ${row.status}` };

    await tx.update(payments).set({ status: 'failed', updatedAt: now }).where(eq(payments.id, row.id));
    return { action: 'recorded_failed', detail: 'PayPal reports the payment as not received' };
  });
}

/**
 * Handles a refund or reversal (chargeback) of `parentTxnId`: revokes the entitlement
 * that payment granted. When the parent is not known yet, because notifications can
 * arrive out of order, a row in its final state is written so that a later
 * completion of it grants nothing.
 * NOTE: a partial refund revokes the whole entitlement, like a full one.
 */
export async function reversePayment(db: Db, input: {
  txnId: string;
  parentTxnId: string;
  status: 'refunded' | 'reversed';
  amount: string | null;
  currency: string | null;
}, now = new Date()): Promise<NotificationOutcome> {
  return db.transaction(async (tx) => {
    const inserted = await tx.insert(payments)
      .values({ txnId: input.txnId, kind: 'refund', status: input.status, parentTxnId: input.parentTxnId, amount: input.amount, currency: input.currency })
      .onConflictDoNothing({ target: payments.txnId })
      .returning({ id: payments.id });
    if (inserted.length === 0) return { action: 'duplicate', detail: 'the refund or reversal is already recorded' };

    await tx.insert(payments).values({ txnId: input.parentTxnId, kind: 'payment', status: input.status }).onConflictDoNothing({ target: payments.txnId });
    const [parent] = await tx.select().from(payments).where(eq(payments.txnId, input.parentTxnId)).for('update');
    await tx.update(payments).set({ status: input.status, updatedAt: now }).where(eq(payments.id, parent!.id));
    await tx.update(payments).set({ userId: parent!.userId, planId: parent!.planId }).where(eq(payments.id, inserted[0]!.id));

    const userId = parent!.userId;
    if (!parent!.entitlementId) return { action: 'recorded_reversal', detail: 'no entitlement was granted for the original payment', userId };
    const revoked = await revokeEntitlement(tx, parent!.entitlementId, { paymentId: input.txnId }, now);
    return revoked
      ? { action: 'revoked', detail: `revoked the entitlement granted by ${input.parentTxnId}`, userId }
      : { action: 'recorded_reversal', detail: 'the entitlement was already revoked', userId };
  });
}

/**
 * Ends the entitlements a subscription granted. 'expired' (end of term) ends them now.
 * 'cancelled' leaves each paid period running to its end, because the buyer paid for
 * it, and only ends entitlements that had no end.
 */
export async function endSubscription(db: Db, subscriptionId: string, ending: 'cancelled' | 'expired', now = new Date()): Promise<NotificationOutcome> {
  return db.transaction(async (tx) => {
    const granted = await tx.select({ entitlementId: entitlements.id, endsAt: entitlements.endsAt, userId: entitlements.userId })
      .from(payments)
      .innerJoin(entitlements, eq(entitlements.id, payments.entitlementId))
      .where(eq(payments.subscriptionId, subscriptionId));
    if (granted.length === 0) return { action: 'ignored', detail: 'no entitlement was granted through this subscription' };

    let ended = 0;
    for (const row of granted) {
      if (ending === 'cancelled' && row.endsAt !== null) continue;
      if (await endEntitlement(tx, row.entitlementId, now, { paymentId: subscriptionId })) ended += 1;
    }
    return { action: ended > 0 ? 'ended' : 'recorded', detail: `subscription ${ending}; ${ended} entitlement(s) ended now`, userId: granted[0]!.userId };
  });
}

/** Inserts the transaction as 'pending' unless it exists, then locks and returns its row. */
async function insertAndLock(tx: Db, facts: PaymentFacts): Promise<PaymentRow> {
  await tx.insert(payments).values(toNewRow(facts)).onConflictDoNothing({ target: payments.txnId });
  const [row] = await tx.select().from(payments).where(eq(payments.txnId, facts.txnId)).for('update');
  return row!;
}

function toNewRow(facts: PaymentFacts): typeof payments.$inferInsert {
  return {
    txnId: facts.txnId,
    kind: facts.kind,
    status: 'pending',
    userId: facts.userId,
    planId: facts.plan.id,
    amount: facts.amount,
    currency: facts.currency,
    subscriptionId: facts.subscriptionId,
  };
}
