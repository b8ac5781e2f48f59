import type { PaypalConfig } from '../config/paypal-config.js';
import type { Db } from '../db/client.js';
import type { PlanCatalogue } from '../learning/content/plans.js';

/** Dependencies of the payment notification handlers. */
export interface PaymentContext {
  db: Db;
  plans: PlanCatalogue;
  paypal: Readonly<PaypalConfig>;
}

/** The route's reply to a notification: 200 stops PayPal's retries, and 503 requests one. */
export type NotificationReply =
  | { status: 'handled' }
  | { status: 'malformed'; reason: string }
  | { status: 'unverified'; reason: string }
  | { status: 'verification_unavailable'; reason: string };
