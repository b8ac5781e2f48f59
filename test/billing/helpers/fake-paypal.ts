/**
 * A stand-in for PayPal on 127.0.0.1: the IPN postback verifier, OAuth2 client
 * credentials and the webhook signature check. It remembers every message it
 * "sent" and confirms only those, byte for byte, as PayPal does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Behaviour of the fake's verification endpoints. */
export type FakeMode = 'up' | 'down' | 'slow' | 'garbage';

export const FAKE_CLIENT_ID = 'fake-client-id';
export const FAKE_CLIENT_SECRET = 'fake-client-secret';
export const FAKE_WEBHOOK_ID = 'WH0FAKE0WEBHOOK0ID';
const FAKE_CERT_URL = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-fake-0001';
const POSTBACK_PREFIX = 'cmd=_notify-validate&';

export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

export interface FakePaypal {
  baseUrl: string;
  ipnVerifyUrl: string;
  /** Mode for IPN postbacks and webhook signature checks. */
  mode: FakeMode;
  /** Counters of the calls received, by endpoint. */
  readonly calls: { postbacks: number; tokens: number; signatureChecks: number };
  /** Registers an IPN message as sent by PayPal and returns its raw body. */
  sendIpn(fields: Record<string, string>): Buffer;
  /** Registers raw IPN bytes as sent by PayPal. */
  sendRawIpn(body: Buffer): Buffer;
  /** Signs a webhook event as PayPal would and returns the body and transmission headers to post. */
  signWebhook(event: object): SignedWebhook;
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export async function startFakePaypal(): Promise<FakePaypal> {
  const sentIpn = new Set<string>();
  const signed = new Map<string, { signature: string; rawEvent: string }>();
  const tokens = new Set<string>();
  const calls = { postbacks: 0, tokens: 0, signatureChecks: 0 };
  const held = new Set<http.ServerResponse>();
  const state = { mode: 'up' as FakeMode };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      route(request, response, body);
    });
  });

  function route(request: http.IncomingMessage, response: http.ServerResponse, body: Buffer): void {
    if (request.method === 'POST' && request.url === '/cgi-bin/webscr') {
      calls.postbacks += 1;
      if (!answerByMode(response)) return;
      const text = body.toString('latin1');
      const verified = text.startsWith(POSTBACK_PREFIX) && sentIpn.has(text.slice(POSTBACK_PREFIX.length));
      send(response, 200, 'text/plain', verified ? 'VERIFIED' : 'INVALID');
      return;
    }
    if (request.method === 'POST' && request.url === '/v1/oauth2/token') {
      calls.tokens += 1;
      const expected = `Basic ${Buffer.from(`${FAKE_CLIENT_ID}:${FAKE_CLIENT_SECRET}`).toString('base64')}`;
      if (request.headers.authorization !== expected || body.toString() !== 'grant_type=client_credentials') {
        send(response, 401, 'application/json', JSON.stringify({ error: 'invalid_client' }));
        return;
      }
      const token = randomBytes(24).toString('base64url');
      tokens.add(token);
      send(response, 200, 'application/json', JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 32_400 }));
      return;
    }
    if (request.method === 'POST' && request.url === '/v1/notifications/verify-webhook-signature') {
      calls.signatureChecks += 1;
      if (!answerByMode(response)) return;
      const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!tokens.has(token)) {
        send(response, 401, 'application/json', JSON.stringify({ error: 'invalid_token' }));
        return;
      }
      send(response, 200, 'application/json', JSON.stringify({ verification_status: checkSignature(body) ? 'SUCCESS' : 'FAILURE' }));
      return;
    }
    send(response, 404, 'text/plain', 'not found');
  }

  /** Returns true when the caller should respond normally. */
  function answerByMode(response: http.ServerResponse): boolean {
    if (state.mode === 'down') {
      send(response, 503, 'text/plain', 'Service Unavailable');
      return false;
    }
    if (state.mode === 'slow') {
      // The fake never responds on its own; close() or a mode change releases the response.
      held.add(response);
      return false;
    }
    if (state.mode === 'garbage') {
      send(response, 200, 'text/html', '<html>maintenance</html>');
      return false;
    }
    return true;
  }

  function checkSignature(body: Buffer): boolean {
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return false;
    }
    const entry = signed.get(String(request.transmission_id));
    if (!entry || request.webhook_id !== FAKE_WEBHOOK_ID) return false;
    if (request.transmission_sig !== entry.signature || request.cert_url !== FAKE_CERT_URL || request.auth_algo !== 'SHA256withRSA') return false;
    return JSON.stringify(request.webhook_event) === JSON.stringify(JSON.parse(entry.rawEvent));
  }

  function registerIpn(body: Buffer): Buffer {
    sentIpn.add(body.toString('latin1'));
    return body;
  }

  function releaseHeld(): void {
    for (const response of held) response.destroy();
    held.clear();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    ipnVerifyUrl: `${baseUrl}/cgi-bin/webscr`,
    get mode() { return state.mode; },
    set mode(mode: FakeMode) {
      releaseHeld();
      state.mode = mode;
    },
    calls,
    sendIpn(fields) {
      return registerIpn(Buffer.from(new URLSearchParams(fields).toString(), 'latin1'));
    },
    sendRawIpn: registerIpn,
    signWebhook(event) {
      const rawEvent = JSON.stringify(event);
      const transmissionId = randomUUID();
      const signature = randomBytes(64).toString('base64');
      signed.set(transmissionId, { signature, rawEvent });
      return {
        body: rawEvent,
        headers: {
          'paypal-transmission-id': transmissionId,
          'paypal-transmission-time': new Date().toISOString(),
          'paypal-transmission-sig': signature,
          'paypal-cert-url': FAKE_CERT_URL,
          'paypal-auth-algo': 'SHA256withRSA',
        },
      };
    },
    async close() {
      releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
