/**
 * The IPN listener's logic, apart from HTTP. Order matters: the message is put on
 * the ledger, then verified with PayPal, and only a VERIFIED message is read for
 * meaning. A message PayPal calls INVALID was not sent by PayPal. It is recorded
 * and gets 200, because PayPal would return INVALID for a retry too.
 */
import { recordNotificationReceived, recordNotificationResult, type LedgerDetails } from '../ledger.js';
import type { NotificationOutcome } from '../notification-outcome.js';
import type { NotificationReply, PaymentContext } from '../payment-context.js';
import { checkPaymentClaim, isPaypalId } from '../payment-checks.js';
import { completePayment, endSubscription, failPayment, recordPendingPayment, reversePayment, type PaymentFacts } from '../payments.js';
import { isPrintableAscii, parseIpnBody, type IpnFields } from './ipn-message.js';
import type { IpnVerifier } from './ipn-verifier.js';

/** Transaction types that carry money for a plan: a one-time Buy Now payment and a subscription's payment. */
const PAYMENT_TXN_TYPES = new Set(['web_accept', 'subscr_payment']);
/** Payment states after which a transaction can never complete. */
const FAILED_STATUSES = new Set(['Denied', 'Failed', 'Expired', 'Voided']);

interface HandledMessage {
  outcome: NotificationOutcome;
  details?: LedgerDetails;
}

/** Records, verifies and acts on one IPN message; returns the reply the route sends. */
export async function handleIpnMessage(context: PaymentContext & { verifier: IpnVerifier }, input: { rawBody: Buffer; ip: string | null }): Promise<NotificationReply> {
  const { db } = context;
  const rawPayload = isPrintableAscii(input.rawBody) ? input.rawBody.toString('ascii') : `base64:${input.rawBody.toString('base64')}`;
  const fields = parseIpnBody(input.rawBody);
  const ledgerId = await recordNotificationReceived(db, { source: 'ipn', rawPayload, ip: input.ip, details: fields ? describeClaims(fields) : {} });

  if (!fields) {
    await recordNotificationResult(db, ledgerId, { verification: 'malformed', outcome: { action: 'rejected', detail: 'the body is not form data' } });
    return { status: 'malformed', reason: 'the body is not form data' };
  }

  const verification = await context.verifier.verify(input.rawBody);
  if (verification.result === 'unavailable') {
    await recordNotificationResult(db, ledgerId, { verification: 'unavailable', outcome: { action: 'ignored', detail: `${verification.reason}; PayPal will send the message again` } });
    return { status: 'verification_unavailable', reason: verification.reason };
  }
  if (verification.result === 'invalid') {
    await recordNotificationResult(db, ledgerId, { verification: 'invalid', outcome: { action: 'rejected', detail: 'PayPal answered INVALID: it did not send this message' } });
    return { status: 'handled' };
  }

  const handled = await actOnVerifiedMessage(context, fields);
  await recordNotificationResult(db, ledgerId, { verification: 'verified', outcome: handled.outcome, details: handled.details });
  return { status: 'handled' };
}

async function actOnVerifiedMessage(context: PaymentContext, fields: IpnFields): Promise<HandledMessage> {
  const { paypal } = context;
  if (!isForReceiver(fields, paypal.business)) {
    return rejected(`the receiver ${fields.get('receiver_email') ?? fields.get('business') ?? '(none)'} is not PAYPAL_BUSINESS`);
  }
  if (paypal.mode === 'live' && fields.get('test_ipn') === '1') return ignored('a sandbox message reached the live listener');

  const status = fields.get('payment_status');
  const txnType = fields.get('txn_type');
  if (status === 'Refunded' || status === 'Reversed') return reverse(context, fields, status === 'Refunded' ? 'refunded' : 'reversed');
  if (txnType === 'subscr_cancel' || txnType === 'subscr_eot') return endSubscriptionFor(context, fields, txnType === 'subscr_eot' ? 'expired' : 'cancelled');
  if (txnType === undefined || !PAYMENT_TXN_TYPES.has(txnType)) return ignored(`txn_type ${txnType ?? '(none)'} is not one this app acts on`);

  const check = await checkPaymentClaim(context.db, context.plans, paypal.referenceKey, {
    txnId: fields.get('txn_id'),
    reference: fields.get('custom'),
    itemPlanId: fields.get('item_number') ?? '',
    amount: fields.get('mc_gross'),
    currency: fields.get('mc_currency'),
  });
  if (!check.ok) return { outcome: { action: 'rejected', detail: check.detail }, details: { userId: check.userId ?? null, planId: check.planId ?? null } };

  const facts: PaymentFacts = {
    txnId: check.txnId,
    kind: 'payment',
    userId: check.userId,
    plan: check.plan,
    amount: check.amount,
    currency: check.currency,
    subscriptionId: txnType === 'subscr_payment' ? (fields.get('subscr_id') ?? null) : null,
  };
  const details = { userId: facts.userId, planId: facts.plan.id };
  if (status === 'Completed') return { outcome: await completePayment(context.db, facts), details };
  if (status === 'Pending') return { outcome: await recordPendingPayment(context.db, facts), details };
  if (status !== undefined && FAILED_STATUSES.has(status)) return { outcome: await failPayment(context.db, facts), details };
  // NOTE: Canceled_Reversal (a chargeback decided for the seller) is only recorded; an operator can grant the plan again.
  return { outcome: { action: 'ignored', detail: `payment_status ${status ?? '(none)'} is not one this app acts on` }, details };
}

/**
 * PayPal routes the money to the account named in `business`, and `receiver_email`
 * is that account's primary address, so a match on either means we were paid.
 */
function isForReceiver(fields: IpnFields, business: string): boolean {
  const candidates = [fields.get('receiver_email'), fields.get('business')];
  return candidates.some((value) => value !== undefined && value.trim().toLowerCase() === business);
}

async function reverse(context: PaymentContext, fields: IpnFields, status: 'refunded' | 'reversed'): Promise<HandledMessage> {
  const txnId = fields.get('txn_id');
  const parentTxnId = fields.get('parent_txn_id');
  if (!isPaypalId(txnId) || !isPaypalId(parentTxnId)) return rejected('a refund or reversal needs txn_id and parent_txn_id');

  const outcome = await reversePayment(context.db, { txnId, parentTxnId, status, amount: fields.get('mc_gross') ?? null, currency: fields.get('mc_currency') ?? null });
  return { outcome };
}

async function endSubscriptionFor(context: PaymentContext, fields: IpnFields, ending: 'cancelled' | 'expired'): Promise<HandledMessage> {
  const subscriptionId = fields.get('subscr_id');
  if (!isPaypalId(subscriptionId)) return rejected('a subscription message needs subscr_id');
  return { outcome: await endSubscription(context.db, subscriptionId, ending) };
}

/** Collects the ledger columns as the message states them, before anything is verified. */
function describeClaims(fields: IpnFields): LedgerDetails {
  return {
    notificationId: clip(fields.get('txn_id') ?? fields.get('subscr_id')),
    notificationType: clip(fields.get('txn_type')),
    paymentStatus: clip(fields.get('payment_status')),
    amount: clip(fields.get('mc_gross')),
    currency: clip(fields.get('mc_currency')),
  };
}

function clip(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, 100);
}

function rejected(detail: string): HandledMessage {
  return { outcome: { action: 'rejected', detail } };
}

function ignored(detail: string): HandledMessage {
  return { outcome: { action: 'ignored', detail } };
}
