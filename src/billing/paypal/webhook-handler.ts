/**
 * The webhook listener's logic, apart from HTTP. Each event is put on the ledger,
 * its signature is checked through PayPal's API, and only then is it read for
 * meaning. Acting on an event and remembering its id happen in one transaction, so
 * a redelivered event does nothing and a failed one can be delivered again.
 */
import type { Db } from '../../db/client.js';
import { paypalWebhookEvents } from '../../db/schema.js';
import { recordNotificationReceived, recordNotificationResult, type LedgerDetails } from '../ledger.js';
import type { NotificationOutcome } from '../notification-outcome.js';
import type { NotificationReply, PaymentContext } from '../payment-context.js';
import { checkPaymentClaim, isPaypalId } from '../payment-checks.js';
import { completePayment, endSubscription, reversePayment } from '../payments.js';
import type { PaypalRestClient, WebhookTransmission } from './rest-client.js';

/** A webhook event as far as this app reads it. */
interface WebhookEvent {
  id: string;
  eventType: string;
  resource: Record<string, unknown>;
}

interface HandledEvent {
  outcome: NotificationOutcome;
  details?: LedgerDetails;
}

const EVENT_ID_PATTERN = /^[A-Za-z0-9-]{1,100}$/;
/** Length limits and formats from PayPal's verify-webhook-signature request schema. */
const HEADER_LIMITS = { authAlgo: 100, certUrl: 500, transmissionId: 50, transmissionSig: 500, transmissionTime: 100 };

/** Records, verifies and acts on one webhook event; returns the reply the route sends. */
export async function handleWebhookEvent(
  context: PaymentContext & { restClient: PaypalRestClient },
  input: { rawBody: string; body: unknown; headers: Record<string, string | string[] | undefined>; ip: string | null },
): Promise<NotificationReply> {
  const { db } = context;
  const event = readEvent(input.body);
  const ledgerId = await recordNotificationReceived(db, {
    source: 'webhook',
    rawPayload: input.rawBody,
    ip: input.ip,
    details: event ? { notificationId: event.id, notificationType: event.eventType.slice(0, 100), paymentStatus: readString(event.resource, 'status')?.slice(0, 100) ?? null } : {},
  });

  if (!event) {
    await recordNotificationResult(db, ledgerId, { verification: 'malformed', outcome: { action: 'rejected', detail: 'the body is not a webhook event' } });
    return { status: 'malformed', reason: 'the body is not a webhook event' };
  }
  const transmission = readTransmission(input.headers);
  if (!transmission) {
    await recordNotificationResult(db, ledgerId, { verification: 'invalid', outcome: { action: 'rejected', detail: 'the PayPal transmission headers are missing or malformed' } });
    return { status: 'unverified', reason: 'the PayPal transmission headers are missing or malformed' };
  }

  const verification = await context.restClient.verifyWebhookSignature(transmission, input.rawBody);
  if (verification.result === 'unavailable') {
    await recordNotificationResult(db, ledgerId, { verification: 'unavailable', outcome: { action: 'ignored', detail: `${verification.reason}; PayPal will deliver the event again` } });
    return { status: 'verification_unavailable', reason: verification.reason };
  }
  if (verification.result === 'invalid') {
    await recordNotificationResult(db, ledgerId, { verification: 'invalid', outcome: { action: 'rejected', detail: 'PayPal did not confirm the signature' } });
    return { status: 'unverified', reason: 'PayPal did not confirm the signature' };
  }

  const handled = await db.transaction(async (tx) => {
    const fresh = await tx.insert(paypalWebhookEvents).values({ eventId: event.id, eventType: event.eventType.slice(0, 100) })
      .onConflictDoNothing({ target: paypalWebhookEvents.eventId })
      .returning({ eventId: paypalWebhookEvents.eventId });
    if (fresh.length === 0) return { outcome: { action: 'duplicate', detail: 'the event was handled before' } } satisfies HandledEvent;
    return actOnEvent({ ...context, db: tx }, event);
  });
  await recordNotificationResult(db, ledgerId, { verification: 'verified', outcome: handled.outcome, details: handled.details });
  return { status: 'handled' };
}

async function actOnEvent(context: PaymentContext, event: WebhookEvent): Promise<HandledEvent> {
  switch (event.eventType) {
    case 'PAYMENT.CAPTURE.COMPLETED': return completeCapture(context, event.resource);
    case 'PAYMENT.CAPTURE.REFUNDED': return reverseCapture(context.db, event.resource, 'refunded');
    case 'PAYMENT.CAPTURE.REVERSED': return reverseCapture(context.db, event.resource, 'reversed');
    case 'BILLING.SUBSCRIPTION.ACTIVATED': return activateSubscription(context, event.resource);
    case 'BILLING.SUBSCRIPTION.CANCELLED': return endSubscriptionEvent(context.db, event.resource, 'cancelled');
    case 'BILLING.SUBSCRIPTION.EXPIRED': return endSubscriptionEvent(context.db, event.resource, 'expired');
    default: return { outcome: { action: 'ignored', detail: `event type ${event.eventType} is not one this app acts on` } };
  }
}

/** Grants the plan for a completed capture, whose `id` is the transaction id and `custom_id` the reference given at checkout. */
async function completeCapture(context: PaymentContext, capture: Record<string, unknown>): Promise<HandledEvent> {
  if (readString(capture, 'status') !== 'COMPLETED') return { outcome: { action: 'ignored', detail: 'the capture is not COMPLETED' } };

  const amount = readObject(capture, 'amount');
  const check = await checkPaymentClaim(context.db, context.plans, context.paypal.referenceKey, {
    txnId: readString(capture, 'id'),
    reference: readString(capture, 'custom_id'),
    amount: amount ? readString(amount, 'value') : undefined,
    currency: amount ? readString(amount, 'currency_code') : undefined,
  });
  if (!check.ok) return { outcome: { action: 'rejected', detail: check.detail }, details: { userId: check.userId ?? null, planId: check.planId ?? null } };

  const outcome = await completePayment(context.db, { txnId: check.txnId, kind: 'payment', userId: check.userId, plan: check.plan, amount: check.amount, currency: check.currency, subscriptionId: null });
  return { outcome, details: { userId: check.userId, planId: check.plan.id, amount: check.amount, currency: check.currency } };
}

/** Revokes what a refunded capture granted. The refund links to its capture with `rel: "up"` and a path ending in the capture id. */
async function reverseCapture(db: Db, refund: Record<string, unknown>, status: 'refunded' | 'reversed'): Promise<HandledEvent> {
  const refundId = readString(refund, 'id');
  const captureId = findCaptureId(refund);
  if (!isPaypalId(refundId) || !isPaypalId(captureId)) return { outcome: { action: 'rejected', detail: 'the refund names no capture' } };

  const amount = readObject(refund, 'amount');
  const outcome = await reversePayment(db, {
    txnId: refundId,
    parentTxnId: captureId,
    status,
    amount: amount ? (readString(amount, 'value') ?? null) : null,
    currency: amount ? (readString(amount, 'currency_code') ?? null) : null,
  });
  return { outcome };
}

/**
 * Grants the plan when a subscription starts. The subscription carries `id` (I-...),
 * `custom_id`, and the first payment in `billing_info.last_payment`. The plan is granted only when that payment equals the
 * plan's price, because the PayPal billing plan behind the subscription is not
 * checked here.
 * NOTE: renewals (PAYMENT.SALE.COMPLETED) are not handled; IPN subscr_payment messages renew instead.
 */
async function activateSubscription(context: PaymentContext, subscription: Record<string, unknown>): Promise<HandledEvent> {
  const lastPayment = readObject(readObject(subscription, 'billing_info') ?? {}, 'last_payment');
  const amount = lastPayment ? readObject(lastPayment, 'amount') : undefined;
  const subscriptionId = readString(subscription, 'id');
  const check = await checkPaymentClaim(context.db, context.plans, context.paypal.referenceKey, {
    txnId: subscriptionId,
    reference: readString(subscription, 'custom_id'),
    amount: amount ? readString(amount, 'value') : undefined,
    currency: amount ? readString(amount, 'currency_code') : undefined,
  });
  if (!check.ok) return { outcome: { action: 'rejected', detail: check.detail }, details: { userId: check.userId ?? null, planId: check.planId ?? null } };

  const outcome = await completePayment(context.db, { txnId: check.txnId, kind: 'subscription', userId: check.userId, plan: check.plan, amount: check.amount, currency: check.currency, subscriptionId: check.txnId });
  return { outcome, details: { userId: check.userId, planId: check.plan.id, amount: check.amount, currency: check.currency } };
}

async function endSubscriptionEvent(db: Db, subscription: Record<string, unknown>, ending: 'cancelled' | 'expired'): Promise<HandledEvent> {
  const subscriptionId = readString(subscription, 'id');
  if (!isPaypalId(subscriptionId)) return { outcome: { action: 'rejected', detail: 'the subscription has no id' } };
  return { outcome: await endSubscription(db, subscriptionId, ending) };
}

function findCaptureId(refund: Record<string, unknown>): string | undefined {
  const links = Array.isArray(refund.links) ? refund.links : [];
  for (const link of links) {
    if (typeof link !== 'object' || link === null) continue;
    const { rel, href } = link as { rel?: unknown; href?: unknown };
    if (rel !== 'up' || typeof href !== 'string') continue;
    const match = /\/v2\/payments\/captures\/([A-Za-z0-9-]+)$/.exec(href);
    if (match) return match[1];
  }
  return undefined;
}

function readEvent(body: unknown): WebhookEvent | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const record = body as Record<string, unknown>;
  const id = readString(record, 'id');
  const eventType = readString(record, 'event_type');
  const resource = readObject(record, 'resource');
  if (!id || !EVENT_ID_PATTERN.test(id) || !eventType || !resource) return null;
  return { id, eventType, resource };
}

function readTransmission(headers: Record<string, string | string[] | undefined>): WebhookTransmission | null {
  const transmission = {
    authAlgo: headers['paypal-auth-algo'],
    certUrl: headers['paypal-cert-url'],
    transmissionId: headers['paypal-transmission-id'],
    transmissionSig: headers['paypal-transmission-sig'],
    transmissionTime: headers['paypal-transmission-time'],
  };
  for (const [name, value] of Object.entries(transmission)) {
    if (typeof value !== 'string' || value === '' || value.length > HEADER_LIMITS[name as keyof typeof HEADER_LIMITS]) return null;
  }
  const checked = transmission as WebhookTransmission;
  if (!/^[A-Za-z0-9]+$/.test(checked.authAlgo) || !isPaypalCertUrl(checked.certUrl)) return null;
  return checked;
}

/** PayPal serves its signing certificates from its own HTTPS hosts; any other URL is not PayPal's. */
function isPaypalCertUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && (url.hostname === 'paypal.com' || url.hostname.endsWith('.paypal.com'));
  } catch {
    return false;
  }
}

function readString(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

function readObject(record: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = record[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}
