/** Steps of a purchase as a buyer and PayPal take them, against the real app and the fake PayPal. */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../src/db/client.js';
import { entitlements, paymentNotifications } from '../../../src/db/schema.js';
import { newAccount, TestClient } from '../../helpers/http-client.js';
import type { DatabaseKind } from '../../helpers/databases.js';
import { startWebApp, type RunningWebApp } from '../../helpers/web-app.js';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_WEBHOOK_ID, type FakePaypal } from './fake-paypal.js';

export const BUSINESS_EMAIL = 'payments@learnpython.example';

/** The environment that turns payments on and points every PayPal call at the fake. */
export function paypalEnv(fake: FakePaypal): Record<string, string> {
  return {
    PAYPAL_BUSINESS: BUSINESS_EMAIL,
    PAYPAL_MODE: 'sandbox',
    PAYPAL_IPN_VERIFY_URL: fake.ipnVerifyUrl,
    PAYPAL_API_BASE: fake.baseUrl,
    PAYPAL_CLIENT_ID: FAKE_CLIENT_ID,
    PAYPAL_CLIENT_SECRET: FAKE_CLIENT_SECRET,
    PAYPAL_WEBHOOK_ID: FAKE_WEBHOOK_ID,
    PAYMENT_REFERENCE_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: 'https://learnpython.example',
    // Each test registers fresh accounts from one address.
    AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '10000',
  };
}

/** Starts the web app with payments on. */
export async function startPaymentsApp(fake: FakePaypal, databaseKind: DatabaseKind = 'pglite', env: Record<string, string> = {}): Promise<RunningWebApp> {
  return startWebApp({ databaseKind, env: { ...paypalEnv(fake), ...env } });
}

export interface Buyer {
  client: TestClient;
  userId: string;
  email: string;
  /** The form fields POST /api/checkout returned. */
  checkout: Record<string, string>;
}

/** Registers an account and starts a checkout for `planId`, as the pricing page does. */
export async function startCheckout(web: RunningWebApp, planId: string): Promise<Buyer> {
  const client = new TestClient(web.baseUrl);
  const account = newAccount();
  const registered = await client.request('POST', '/api/auth/register', account);
  if (registered.status !== 201) throw new Error(`registration failed with ${registered.status}`);

  const checkout = await client.request('POST', '/api/checkout', { planId });
  if (checkout.status !== 200) throw new Error(`checkout failed with ${checkout.status}: ${JSON.stringify(checkout.body)}`);
  return { client, userId: registered.body.user.id, email: account.email, checkout: checkout.body.fields };
}

/** A PayPal-style transaction id: 17 upper-case letters and digits. */
export function newTxnId(): string {
  return randomBytes(12).toString('hex').toUpperCase().slice(0, 17);
}

/** The IPN fields PayPal sends for a completed Buy Now payment of this checkout, with `overrides` applied. */
export function ipnFieldsFor(checkout: Record<string, string>, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    mc_gross: checkout.amount!,
    protection_eligibility: 'Eligible',
    payer_id: 'PAYER0TEST0001',
    payment_date: '10:15:00 Jan 02, 2030 PST',
    payment_status: 'Completed',
    charset: 'UTF-8',
    first_name: 'Test',
    last_name: 'Buyer',
    mc_fee: '0.56',
    notify_version: '3.9',
    custom: checkout.custom!,
    payer_status: 'verified',
    business: checkout.business!,
    quantity: '1',
    verify_sign: randomBytes(24).toString('base64url'),
    payer_email: 'buyer@example.com',
    txn_id: newTxnId(),
    payment_type: 'instant',
    receiver_email: checkout.business!,
    receiver_id: 'RECEIVER0TEST1',
    txn_type: 'web_accept',
    item_name: checkout.item_name!,
    mc_currency: checkout.currency_code!,
    item_number: checkout.item_number!,
    residence_country: 'US',
    test_ipn: '1',
    ipn_track_id: randomBytes(6).toString('hex'),
    ...overrides,
  };
}

/** Posts a raw IPN body to the app as PayPal would. */
export async function postIpn(web: RunningWebApp, body: Buffer | string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${web.baseUrl}/paypal/ipn`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, text: await response.text() };
}

/** Posts a webhook event with its transmission headers. */
export async function postWebhook(web: RunningWebApp, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${web.baseUrl}/paypal/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** The account's plan and expiry as GET /api/me reports them. */
export async function currentPlan(buyer: Buyer): Promise<{ plan: string; planExpiresAt: string | null }> {
  const me = await buyer.client.request('GET', '/api/me');
  return { plan: me.body.user.plan, planExpiresAt: me.body.user.planExpiresAt };
}

/** Every entitlement row of an account. */
export async function entitlementsOf(db: Db, userId: string): Promise<Array<typeof entitlements.$inferSelect>> {
  return db.select().from(entitlements).where(eq(entitlements.userId, userId));
}

/** The ledger row for a transaction or event id, newest last. */
export async function ledgerRowsFor(db: Db, notificationId: string): Promise<Array<typeof paymentNotifications.$inferSelect>> {
  return db.select().from(paymentNotifications).where(eq(paymentNotifications.notificationId, notificationId)).orderBy(paymentNotifications.id);
}
