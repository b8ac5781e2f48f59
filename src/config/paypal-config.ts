import { hkdfSync, randomBytes } from 'node:crypto';
import { ConfigError, type Env, isStrongSecret, readChoice, readInteger, readString, readUrl } from './env-parsers.js';

/** PayPal's own addresses for each mode; tests point the verifier and the API at a local fake instead. */
const PAYPAL_URLS = {
  sandbox: {
    checkout: 'https://www.sandbox.paypal.com/cgi-bin/webscr',
    ipnVerify: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
    apiBase: 'https://api-m.sandbox.paypal.com',
  },
  live: {
    checkout: 'https://www.paypal.com/cgi-bin/webscr',
    ipnVerify: 'https://ipnpb.paypal.com/cgi-bin/webscr',
    apiBase: 'https://api-m.paypal.com',
  },
} as const;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

/** Credentials for verifying webhook signatures through PayPal's REST API. */
export interface PaypalWebhookConfig {
  clientId: string;
  clientSecret: string;
  /** Id PayPal gave the webhook subscription; the signature check is bound to it. */
  webhookId: string;
}

/** PayPal settings; the web app has payments switched off when `parsePaypalConfig` returns null. */
export interface PaypalConfig {
  mode: 'sandbox' | 'live';
  /** Receiver account email, lower-cased; notifications for any other receiver are ignored. */
  business: string;
  /** PayPal checkout URL that the buyer's browser posts the form to. */
  checkoutUrl: URL;
  /** PayPal URL that IPN messages are posted back to for verification. */
  ipnVerifyUrl: URL;
  /** Base of PayPal's REST API (OAuth tokens and webhook signature checks). */
  apiBase: URL;
  /** Null when webhooks are not configured, so POST /paypal/webhook returns 503. */
  webhook: PaypalWebhookConfig | null;
  /** Key for the signed account reference sent in `custom`; derived from PAYMENT_REFERENCE_SECRET. */
  referenceKey: Buffer;
  /** Time allowed for each call to PayPal before the notification gets a 503. */
  timeoutMs: number;
}

/**
 * Parses the PayPal settings, or returns null when PAYPAL_BUSINESS is unset.
 * Throws ConfigError naming the variable to fix.
 */
export function parsePaypalConfig(env: Env, production: boolean): Readonly<PaypalConfig> | null {
  const business = readString(env, 'PAYPAL_BUSINESS');
  if (business === undefined) return null;
  if (!EMAIL_PATTERN.test(business)) {
    throw new ConfigError('PAYPAL_BUSINESS must be the email address of the PayPal account that receives payments.');
  }

  const mode = readChoice(env, 'PAYPAL_MODE', ['sandbox', 'live'] as const, 'sandbox');
  const urls = PAYPAL_URLS[mode];
  const ipnVerifyUrl = readUrl(env, 'PAYPAL_IPN_VERIFY_URL', ['https:', 'http:']) ?? new URL(urls.ipnVerify);
  const apiBase = readUrl(env, 'PAYPAL_API_BASE', ['https:', 'http:']) ?? new URL(urls.apiBase);
  if (production) {
    // A verifier reached over plain HTTP could be impersonated on the network path and return VERIFIED for anything.
    requireHttps(ipnVerifyUrl, 'PAYPAL_IPN_VERIFY_URL');
    requireHttps(apiBase, 'PAYPAL_API_BASE');
  }

  return Object.freeze({
    mode,
    business: business.toLowerCase(),
    checkoutUrl: new URL(urls.checkout),
    ipnVerifyUrl,
    apiBase,
    webhook: parseWebhookConfig(env),
    referenceKey: deriveReferenceKey(readReferenceSecret(env, production)),
    timeoutMs: readInteger(env, 'PAYPAL_TIMEOUT_MS', 10_000, 100, 60_000),
  });
}

function requireHttps(url: URL, name: string): void {
  if (url.protocol !== 'https:') throw new ConfigError(`${name} must start with https:// in production.`);
}

function parseWebhookConfig(env: Env): PaypalWebhookConfig | null {
  const clientId = readString(env, 'PAYPAL_CLIENT_ID');
  const clientSecret = readString(env, 'PAYPAL_CLIENT_SECRET');
  const webhookId = readString(env, 'PAYPAL_WEBHOOK_ID');
  if (clientId === undefined && clientSecret === undefined && webhookId === undefined) return null;

  if (clientId === undefined || clientSecret === undefined || webhookId === undefined) {
    throw new ConfigError('PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID must be set together to receive webhooks; set all three or none.');
  }
  return { clientId, clientSecret, webhookId };
}

/**
 * Outside production a missing secret becomes a random one, so references issued
 * before a restart stop verifying. Production needs a fixed secret, which keeps them
 * valid across restarts and instances.
 */
function readReferenceSecret(env: Env, production: boolean): string {
  const secret = readString(env, 'PAYMENT_REFERENCE_SECRET');
  if (secret === undefined) {
    if (production) {
      throw new ConfigError('PAYMENT_REFERENCE_SECRET is not set; production with PayPal needs one shared by every instance (`openssl rand -hex 32`).');
    }
    return randomBytes(32).toString('hex');
  }
  if (!isStrongSecret(secret)) {
    throw new ConfigError('PAYMENT_REFERENCE_SECRET is too weak; use at least 32 random bytes, such as `openssl rand -hex 32`.');
  }
  return secret;
}

function deriveReferenceKey(secret: string): Buffer {
  // A purpose label keeps this key distinct even if an operator reuses the secret elsewhere.
  return Buffer.from(hkdfSync('sha256', secret, '', 'learnpython payment reference v1', 32));
}
