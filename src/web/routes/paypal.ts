/**
 * PayPal's server-to-server notifications: IPN (form-encoded) and webhooks (JSON).
 * Neither carries a session or a CSRF token; each message is confirmed with PayPal
 * before it changes anything. The body parsers registered here keep the raw bytes,
 * because both checks need the message exactly as received, and they apply to the
 * routes of this plugin only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NotificationReply, PaymentContext } from '../../billing/payment-context.js';
import { handleIpnMessage } from '../../billing/paypal/ipn-handler.js';
import { createIpnVerifier } from '../../billing/paypal/ipn-verifier.js';
import { createPaypalRestClient } from '../../billing/paypal/rest-client.js';
import { handleWebhookEvent } from '../../billing/paypal/webhook-handler.js';
import type { PaypalConfig } from '../../config/paypal-config.js';
import type { Db } from '../../db/client.js';
import { errors } from '../errors.js';
import type { RateLimitRule } from '../guards/rate-limits.js';
import type { RouteSecurity } from '../plugins/route-security.js';

/** IPN messages are a few kilobytes; webhook events somewhat more. */
const IPN_BODY_LIMIT_BYTES = 32 * 1024;
const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * PayPal sends from a small set of addresses, and every message writes a ledger row,
 * so a per-address limit bounds what a forger can add. A throttled genuine message
 * is delivered again later, because PayPal retries every response other than 2xx.
 */
const NOTIFICATIONS_PER_IP: RateLimitRule = { name: 'paypal-notify-ip', points: 300, durationSeconds: 60 };
const NOTIFICATION_SECURITY: RouteSecurity = { access: 'public', csrf: 'verified-sender', rateLimits: { perIp: NOTIFICATIONS_PER_IP } };

/** A JSON body together with the text it was parsed from. */
interface RawJsonBody {
  rawText: string;
  json: unknown;
}

export interface PaypalRoutesOptions {
  db: Db;
  paypal: Readonly<PaypalConfig> | null;
}

/** Registers POST /paypal/ipn and POST /paypal/webhook. */
export async function paypalRoutes(app: FastifyInstance, options: PaypalRoutesOptions): Promise<void> {
  registerRawBodyParsers(app);
  const { paypal } = options;
  const context: PaymentContext | null = paypal ? { db: options.db, plans: app.plans, paypal } : null;
  const verifier = paypal ? createIpnVerifier({ url: paypal.ipnVerifyUrl, timeoutMs: paypal.timeoutMs }) : null;
  const restClient = paypal?.webhook ? createPaypalRestClient({ apiBase: paypal.apiBase, timeoutMs: paypal.timeoutMs, ...paypal.webhook }) : null;

  app.post('/paypal/ipn', { bodyLimit: IPN_BODY_LIMIT_BYTES, config: { security: NOTIFICATION_SECURITY } }, async (request, reply) => {
    if (!context || !verifier) throw errors.paymentsUnavailable();
    if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw errors.invalidNotification();

    const result = await handleIpnMessage({ ...context, verifier }, { rawBody: request.body, ip: request.ip });
    return sendNotificationReply(request, reply, result);
  });

  app.post('/paypal/webhook', { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES, config: { security: NOTIFICATION_SECURITY } }, async (request, reply) => {
    if (!context || !restClient) throw errors.paymentsUnavailable();
    const body = request.body as RawJsonBody | undefined;
    if (!body || typeof body.rawText !== 'string') throw errors.invalidNotification();

    const result = await handleWebhookEvent({ ...context, restClient }, { rawBody: body.rawText, body: body.json, headers: request.headers, ip: request.ip });
    return sendNotificationReply(request, reply, result);
  });
}

function registerRawBodyParsers(app: FastifyInstance): void {
  const formType = 'application/x-www-form-urlencoded';
  if (app.hasContentTypeParser(formType)) app.removeContentTypeParser(formType);
  app.addContentTypeParser(formType, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const jsonType = 'application/json';
  if (app.hasContentTypeParser(jsonType)) app.removeContentTypeParser(jsonType);
  app.addContentTypeParser(jsonType, { parseAs: 'buffer' }, (_request, body, done) => {
    const rawText = (body as Buffer).toString('utf8');
    try {
      done(null, { rawText, json: JSON.parse(rawText) } satisfies RawJsonBody);
    } catch {
      done(errors.malformedJson(), undefined);
    }
  });
}

/** PayPal stops retrying on 200, so 200 goes only to messages that are settled: handled, ignored or proven forged. */
function sendNotificationReply(request: FastifyRequest, reply: FastifyReply, result: NotificationReply): FastifyReply {
  switch (result.status) {
    case 'handled':
      return reply.code(200).type('text/plain; charset=utf-8').send('');
    case 'malformed':
      throw errors.invalidNotification();
    case 'unverified':
      request.log.warn({ reason: result.reason }, 'payment notification rejected: PayPal did not confirm it');
      throw errors.webhookSignatureInvalid();
    case 'verification_unavailable':
      request.log.warn({ reason: result.reason }, 'payment notification not verified: PayPal unreachable; PayPal will retry');
      throw errors.paymentVerificationUnavailable();
  }
}
