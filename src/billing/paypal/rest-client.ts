import { describeFetchError } from './ipn-verifier.js';

/** The transmission headers PayPal sends with each webhook event, which its API checks the signature against. */
export interface WebhookTransmission {
  authAlgo: string;
  certUrl: string;
  transmissionId: string;
  transmissionSig: string;
  transmissionTime: string;
}

/** The result of PayPal's signature check; only 'verified' lets the app act on the event. */
export type WebhookVerification =
  | { result: 'verified' }
  | { result: 'invalid' }
  | { result: 'unavailable'; reason: string };

/** The part of PayPal's REST API this app uses. */
export interface PaypalRestClient {
  /** Asks PayPal whether it signed `rawEvent` with these transmission headers for our webhook id. */
  verifyWebhookSignature(transmission: WebhookTransmission, rawEvent: string): Promise<WebhookVerification>;
}

export interface PaypalRestOptions {
  apiBase: URL;
  clientId: string;
  clientSecret: string;
  webhookId: string;
  timeoutMs: number;
}

/** Tokens are renewed this long before PayPal's stated expiry, so none expires in flight. */
const TOKEN_RENEW_MARGIN_MS = 60_000;

class PaypalUnavailableError extends Error {
  override name = 'PaypalUnavailableError';
}

interface CachedToken {
  accessToken: string;
  expiresAtMs: number;
}

/**
 * Creates a client that signs in with OAuth2 client credentials. It keeps the
 * access token until shortly before it expires, and concurrent callers share one
 * token request.
 */
export function createPaypalRestClient(options: PaypalRestOptions): PaypalRestClient {
  let cached: CachedToken | null = null;
  let pending: Promise<CachedToken> | null = null;

  async function accessToken(): Promise<string> {
    if (cached && Date.now() < cached.expiresAtMs - TOKEN_RENEW_MARGIN_MS) return cached.accessToken;
    pending ??= requestToken(options).finally(() => { pending = null; });
    cached = await pending;
    return cached.accessToken;
  }

  async function postVerification(transmission: WebhookTransmission, rawEvent: string): Promise<Response> {
    return fetch(new URL('/v1/notifications/verify-webhook-signature', options.apiBase), {
      method: 'POST',
      headers: { authorization: `Bearer ${await accessToken()}`, 'content-type': 'application/json', accept: 'application/json' },
      body: buildVerificationBody(transmission, options.webhookId, rawEvent),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  }

  return {
    async verifyWebhookSignature(transmission, rawEvent) {
      try {
        let response = await postVerification(transmission, rawEvent);
        if (response.status === 401) {
          // The token was revoked or expired early: fetch a new one and try once more.
          cached = null;
          await response.body?.cancel();
          response = await postVerification(transmission, rawEvent);
        }
        return await readVerification(response);
      } catch (error) {
        const reason = error instanceof PaypalUnavailableError ? error.message : describeFetchError(error);
        return { result: 'unavailable', reason };
      }
    },
  };
}

/**
 * Builds the request body by hand so `webhook_event` is the event exactly as received:
 * the signature covers the original bytes, and parsing and serializing again could
 * reorder keys or change number formats.
 */
function buildVerificationBody(transmission: WebhookTransmission, webhookId: string, rawEvent: string): string {
  const fields = [
    ['auth_algo', transmission.authAlgo],
    ['cert_url', transmission.certUrl],
    ['transmission_id', transmission.transmissionId],
    ['transmission_sig', transmission.transmissionSig],
    ['transmission_time', transmission.transmissionTime],
    ['webhook_id', webhookId],
  ].map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
  return `{${fields.join(',')},"webhook_event":${rawEvent}}`;
}

async function readVerification(response: Response): Promise<WebhookVerification> {
  if (response.status === 400) {
    await response.body?.cancel();
    // PayPal rejects malformed transmission headers with 400; PayPal's own deliveries never have them.
    return { result: 'invalid' };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { result: 'unavailable', reason: `the signature check returned HTTP ${response.status}` };
  }

  const body = await response.json().catch(() => null) as { verification_status?: unknown } | null;
  if (body?.verification_status === 'SUCCESS') return { result: 'verified' };
  if (body?.verification_status === 'FAILURE') return { result: 'invalid' };
  return { result: 'unavailable', reason: 'the signature check returned neither SUCCESS nor FAILURE' };
}

async function requestToken(options: PaypalRestOptions): Promise<CachedToken> {
  const credentials = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
  const response = await fetch(new URL('/v1/oauth2/token', options.apiBase), {
    method: 'POST',
    headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: 'grant_type=client_credentials',
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new PaypalUnavailableError(`the OAuth token request returned HTTP ${response.status}; check PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET`);
  }

  const body = await response.json().catch(() => null) as { access_token?: unknown; expires_in?: unknown } | null;
  if (typeof body?.access_token !== 'string' || body.access_token === '' || typeof body.expires_in !== 'number') {
    throw new PaypalUnavailableError('the OAuth token response has no access_token or expires_in');
  }
  return { accessToken: body.access_token, expiresAtMs: Date.now() + body.expires_in * 1000 };
}
