import { findUserById } from '../accounts/users.js';
import type { Db } from '../db/client.js';
import type { Plan, PlanCatalogue } from '../learning/content/plans.js';
import { isPurchasablePlan } from './checkout.js';
import { verifyPaymentReference } from './payment-reference.js';

/** PayPal transaction, capture and subscription ids are short upper-case alphanumerics, sometimes with hyphens. */
const PAYPAL_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** Claims of a verified notification about a payment, before they are trusted. */
export interface PaymentClaim {
  txnId: string | undefined;
  /** The signed reference from `custom` or `custom_id`. */
  reference: string | undefined;
  /** The plan the PayPal item names (`item_number`), when the notification carries one. */
  itemPlanId?: string | undefined;
  amount: string | undefined;
  currency: string | undefined;
}

export type PaymentCheck =
  | { ok: true; txnId: string; userId: string; plan: Plan; amount: string; currency: string }
  | { ok: false; detail: string; userId?: string; planId?: string };

/**
 * Checks a payment that PayPal has confirmed sending. The buyer controls every field
 * of the checkout form, so each one is checked. The reference must carry a valid
 * HMAC and name an existing account. The plan must be a known paid plan, the same
 * in the item and the reference. The amount and currency must equal the plan's
 * price exactly, compared as strings, so no rounding lets a smaller payment through.
 */
export async function checkPaymentClaim(db: Db, plans: PlanCatalogue, referenceKey: Buffer, claim: PaymentClaim): Promise<PaymentCheck> {
  if (!claim.txnId || !PAYPAL_ID_PATTERN.test(claim.txnId)) return { ok: false, detail: 'the transaction id is missing or malformed' };

  const reference = verifyPaymentReference(referenceKey, claim.reference);
  if (!reference) return { ok: false, detail: 'the custom reference is missing or its signature does not match' };
  if (!(await findUserById(db, reference.userId))) return { ok: false, detail: 'the account in the reference no longer exists', planId: reference.planId };
  const context = { userId: reference.userId, planId: reference.planId };

  const plan = plans.getPlan(reference.planId);
  if (!plan || !isPurchasablePlan(plan)) return { ok: false, detail: `the plan ${reference.planId} is not a paid plan`, ...context };
  if (claim.itemPlanId !== undefined && claim.itemPlanId !== plan.id) {
    return { ok: false, detail: `the item ${JSON.stringify(claim.itemPlanId)} differs from the plan in the reference`, ...context };
  }
  if (claim.amount !== plan.price || claim.currency !== plan.currency) {
    return { ok: false, detail: `the amount ${claim.amount ?? 'missing'} ${claim.currency ?? ''} differs from the price ${plan.price} ${plan.currency}`.replace(/\s+/g, ' '), ...context };
  }

  return { ok: true, txnId: claim.txnId, userId: reference.userId, plan, amount: claim.amount, currency: claim.currency };
}

/** True for a well-formed PayPal id. */
export function isPaypalId(value: string | undefined): value is string {
  return value !== undefined && PAYPAL_ID_PATTERN.test(value);
}
