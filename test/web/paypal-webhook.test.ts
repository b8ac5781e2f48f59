import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startFakePaypal, type FakePaypal } from '../billing/helpers/fake-paypal.js';
import {
  currentPlan, entitlementsOf, ipnFieldsFor, ledgerRowsFor, newTxnId, paypalEnv, postIpn, postWebhook, startCheckout, startPaymentsApp,
} from '../billing/helpers/payment-flow.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

function newEventId(): string {
  return `WH-${randomBytes(8).toString('hex').toUpperCase()}-${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** Builds a PAYMENT.CAPTURE.COMPLETED event in the shape PayPal's Orders v2 integration sends. */
function captureCompleted(input: { captureId: string; customId: string; value: string; currency?: string }): object {
  return {
    id: newEventId(),
    event_version: '1.0',
    create_time: new Date().toISOString(),
    resource_type: 'capture',
    resource_version: '2.0',
    event_type: 'PAYMENT.CAPTURE.COMPLETED',
    summary: `Payment completed for ${input.value} ${input.currency ?? 'USD'}`,
    resource: {
      id: input.captureId,
      amount: { currency_code: input.currency ?? 'USD', value: input.value },
      final_capture: true,
      status: 'COMPLETED',
      custom_id: input.customId,
      links: [{ href: `https://api.sandbox.paypal.com/v2/payments/captures/${input.captureId}`, rel: 'self', method: 'GET' }],
    },
  };
}

function captureRefunded(captureId: string): object {
  const refundId = newTxnId();
  return {
    id: newEventId(),
    event_version: '1.0',
    resource_type: 'refund',
    event_type: 'PAYMENT.CAPTURE.REFUNDED',
    resource: {
      id: refundId,
      amount: { currency_code: 'USD', value: '9.00' },
      status: 'COMPLETED',
      links: [
        { href: `https://api.sandbox.paypal.com/v2/payments/refunds/${refundId}`, rel: 'self', method: 'GET' },
        { href: `https://api.sandbox.paypal.com/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' },
      ],
    },
  };
}

function subscriptionEvent(eventType: string, subscriptionId: string, customId: string, value = '9.00'): object {
  return {
    id: newEventId(),
    event_version: '1.0',
    resource_type: 'subscription',
    event_type: eventType,
    resource: {
      id: subscriptionId,
      plan_id: 'P-5ML4271244454362WXNWU5NQ',
      status: eventType === 'BILLING.SUBSCRIPTION.ACTIVATED' ? 'ACTIVE' : 'EXPIRED',
      custom_id: customId,
      billing_info: { last_payment: { amount: { currency_code: 'USD', value }, time: new Date().toISOString() } },
    },
  };
}

describe('POST /paypal/webhook', () => {
  let fake: FakePaypal;
  let web: RunningWebApp;

  before(async () => {
    fake = await startFakePaypal();
    web = await startPaymentsApp(fake);
  });
  after(async () => {
    await web?.close();
    await fake?.close();
  });

  it('grants the plan for a signed capture event', async () => {
    const buyer = await startCheckout(web, 'standard');
    const signed = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }));

    const reply = await postWebhook(web, signed.body, signed.headers);

    assert.equal(reply.status, 200);
    assert.equal((await currentPlan(buyer)).plan, 'standard');
  });

  it('rejects an event whose body was changed after signing', async () => {
    const buyer = await startCheckout(web, 'full');
    const signed = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '0.01' }));
    const edited = signed.body.replace('"0.01"', '"12.00"');

    const reply = await postWebhook(web, edited, signed.headers);

    assert.equal(reply.status, 400);
    assert.equal(JSON.parse(reply.text).error.code, 'webhook_signature_invalid');
    assert.equal((await currentPlan(buyer)).plan, 'free');
  });

  it('rejects an event with a forged signature', async () => {
    const buyer = await startCheckout(web, 'standard');
    const signed = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }));
    const headers = { ...signed.headers, 'paypal-transmission-sig': randomBytes(64).toString('base64') };

    const reply = await postWebhook(web, signed.body, headers);

    assert.equal(reply.status, 400);
    assert.equal((await currentPlan(buyer)).plan, 'free');
  });

  it('rejects an event without transmission headers before asking PayPal', async () => {
    const buyer = await startCheckout(web, 'standard');
    const event = captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }) as { id: string };
    const checks = fake.calls.signatureChecks;

    const reply = await postWebhook(web, JSON.stringify(event), {});

    assert.equal(reply.status, 400);
    assert.equal(fake.calls.signatureChecks, checks);
    const [ledger] = await ledgerRowsFor(web.database.db, event.id);
    assert.equal(ledger!.action, 'rejected');
  });

  it('rejects a certificate URL outside PayPal', async () => {
    const buyer = await startCheckout(web, 'standard');
    const signed = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }));

    const reply = await postWebhook(web, signed.body, { ...signed.headers, 'paypal-cert-url': 'https://attacker.example/cert.pem' });

    assert.equal(reply.status, 400);
    assert.equal((await currentPlan(buyer)).plan, 'free');
  });

  it('grants once when an event is delivered twice', async () => {
    const buyer = await startCheckout(web, 'standard');
    const event = captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }) as { id: string };
    const signed = fake.signWebhook(event);

    const first = await postWebhook(web, signed.body, signed.headers);
    const second = await postWebhook(web, signed.body, signed.headers);

    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal((await entitlementsOf(web.database.db, buyer.userId)).length, 1);
    const ledger = await ledgerRowsFor(web.database.db, event.id);
    assert.deepEqual(ledger.map((row) => row.action), ['granted', 'duplicate']);
  });

  it('grants once for one payment reported by IPN and webhook', async () => {
    const buyer = await startCheckout(web, 'standard');
    const txnId = newTxnId();
    await postIpn(web, fake.sendIpn(ipnFieldsFor(buyer.checkout, { txn_id: txnId })));

    const signed = fake.signWebhook(captureCompleted({ captureId: txnId, customId: buyer.checkout.custom!, value: '9.00' }));
    const reply = await postWebhook(web, signed.body, signed.headers);

    assert.equal(reply.status, 200);
    assert.equal((await entitlementsOf(web.database.db, buyer.userId)).length, 1);
  });

  it('ignores a capture below the plan price', async () => {
    const buyer = await startCheckout(web, 'full');
    const signed = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '1.00' }));

    const reply = await postWebhook(web, signed.body, signed.headers);

    assert.equal(reply.status, 200);
    assert.equal((await currentPlan(buyer)).plan, 'free');
  });

  it('removes the plan when the capture is refunded', async () => {
    const buyer = await startCheckout(web, 'standard');
    const captureId = newTxnId();
    const paid = fake.signWebhook(captureCompleted({ captureId, customId: buyer.checkout.custom!, value: '9.00' }));
    await postWebhook(web, paid.body, paid.headers);
    assert.equal((await currentPlan(buyer)).plan, 'standard');

    const refunded = fake.signWebhook(captureRefunded(captureId));
    const reply = await postWebhook(web, refunded.body, refunded.headers);

    assert.equal(reply.status, 200);
    assert.equal((await currentPlan(buyer)).plan, 'free');
  });

  it('reuses the OAuth token between events', async () => {
    const buyer = await startCheckout(web, 'standard');
    const first = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }));
    await postWebhook(web, first.body, first.headers);
    const tokens = fake.calls.tokens;

    const second = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }));
    await postWebhook(web, second.body, second.headers);

    assert.ok(tokens >= 1);
    assert.equal(fake.calls.tokens, tokens);
  });

  it('returns 503 while the signature check is down', async (t) => {
    t.after(() => { fake.mode = 'up'; });
    const buyer = await startCheckout(web, 'standard');
    const signed = fake.signWebhook(captureCompleted({ captureId: newTxnId(), customId: buyer.checkout.custom!, value: '9.00' }));
    fake.mode = 'down';

    const reply = await postWebhook(web, signed.body, signed.headers);

    assert.equal(reply.status, 503);
    assert.equal((await currentPlan(buyer)).plan, 'free');

    fake.mode = 'up';
    const retried = await postWebhook(web, signed.body, signed.headers);
    assert.equal(retried.status, 200);
    assert.equal((await currentPlan(buyer)).plan, 'standard');
  });

  it('grants on subscription activation and ends on expiry', async () => {
    const buyer = await startCheckout(web, 'standard');
    const subscriptionId = `I-${newTxnId()}`;
    const activated = fake.signWebhook(subscriptionEvent('BILLING.SUBSCRIPTION.ACTIVATED', subscriptionId, buyer.checkout.custom!));
    await postWebhook(web, activated.body, activated.headers);
    assert.equal((await currentPlan(buyer)).plan, 'standard');

    const expired = fake.signWebhook(subscriptionEvent('BILLING.SUBSCRIPTION.EXPIRED', subscriptionId, buyer.checkout.custom!));
    const reply = await postWebhook(web, expired.body, expired.headers);

    assert.equal(reply.status, 200);
    assert.equal((await currentPlan(buyer)).plan, 'free');
  });

  it('rejects malformed JSON with 400', async () => {
    const reply = await postWebhook(web, '{"id": ', {});

    assert.equal(reply.status, 400);
  });
});

describe('POST /paypal/webhook without webhook credentials', () => {
  it('returns 503 payments_unavailable', async (t) => {
    const fake = await startFakePaypal();
    t.after(() => fake.close());
    const { PAYPAL_CLIENT_ID: _id, PAYPAL_CLIENT_SECRET: _secret, PAYPAL_WEBHOOK_ID: _webhook, ...env } = paypalEnv(fake);
    const web = await startWebApp({ env });
    t.after(() => web.close());

    const reply = await postWebhook(web, '{}', {});

    assert.equal(reply.status, 503);
    assert.equal(JSON.parse(reply.text).error.code, 'payments_unavailable');
  });
});
