import type { PaypalConfig } from '../config/paypal-config.js';
import type { Db } from '../db/client.js';
import type { PlanCatalogue } from '../learning/content/plans.js';

/** What the payment notification handlers need from the app. */
export interface PaymentContext {
  db: Db;
  plans: PlanCatalogue;
  paypal: Readonly<PaypalConfig>;
}

/** How the HTTP route answers a notification: 200 stops PayPal's retries, 503 asks for one. */
export type NotificationReply =
  | { status: 'handled' }
  | { status: 'malformed'; reason: string }
  | { status: 'unverified'; reason: string }
  | { status: 'verification_unavailable'; reason: string };
