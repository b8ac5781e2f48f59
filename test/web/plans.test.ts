import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyPaymentReference } from '../../src/billing/payment-reference.js';
import { parsePaypalConfig } from '../../src/config/paypal-config.js';
import { startFakePaypal, type FakePaypal } from '../billing/helpers/fake-paypal.js';
import { BUSINESS_EMAIL, startPaymentsApp } from '../billing/helpers/payment-flow.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

async function signedInClient(web: RunningWebApp): Promise<{ client: TestClient; userId: string }> {
  const client = new TestClient(web.baseUrl);
  const registered = await client.request('POST', '/api/auth/register', newAccount());
  assert.equal(registered.status, 201);
  return { client, userId: registered.body.user.id };
}

describe('plans and checkout with PayPal configured', () => {
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

  it('GET /api/plans lists every plan with its price', async () => {
    const reply = await new TestClient(web.baseUrl).request('GET', '/api/plans');

    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.plans.map((plan: { id: string }) => plan.id), ['free', 'standard', 'additional', 'full']);
    const standard = reply.body.plans[1];
    assert.deepEqual(Object.keys(standard).sort(), ['currency', 'durationDays', 'id', 'name', 'price', 'tutorDailyLimit']);
    assert.equal(typeof standard.price, 'string');
    assert.match(standard.price, /^\d+\.\d{2}$/);
  });

  it('POST /api/checkout returns the PayPal form for a paid plan', async () => {
    const { client, userId } = await signedInClient(web);

    const reply = await client.request('POST', '/api/checkout', { planId: 'standard' });

    assert.equal(reply.status, 200);
    assert.equal(reply.body.provider, 'paypal');
    assert.equal(reply.body.action, 'https://www.sandbox.paypal.com/cgi-bin/webscr');
    const fields = reply.body.fields;
    assert.equal(fields.cmd, '_xclick');
    assert.equal(fields.business, BUSINESS_EMAIL);
    assert.equal(fields.item_number, 'standard');
    assert.equal(fields.amount, '9.00');
    assert.equal(fields.currency_code, 'USD');
    assert.equal(fields.notify_url, 'https://learnpython.example/paypal/ipn');
    assert.ok(!fields.custom.includes(userId), 'custom must not carry the raw account id');
    assert.ok(fields.custom.length <= 127);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
  });

  it('POST /api/checkout gives each checkout a fresh reference', async () => {
    const { client } = await signedInClient(web);

    const first = await client.request('POST', '/api/checkout', { planId: 'full' });
    const second = await client.request('POST', '/api/checkout', { planId: 'full' });

    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.notEqual(first.body.fields.custom, second.body.fields.custom);
  });

  it('POST /api/checkout rejects an unknown plan with 400', async () => {
    const { client } = await signedInClient(web);

    const reply = await client.request('POST', '/api/checkout', { planId: 'platinum' });

    assert.equal(reply.status, 400);
    assert.equal(reply.body.error.code, 'unknown_plan');
  });

  it('POST /api/checkout rejects the free plan with 400', async () => {
    const { client } = await signedInClient(web);

    const reply = await client.request('POST', '/api/checkout', { planId: 'free' });

    assert.equal(reply.status, 400);
    assert.equal(reply.body.error.code, 'plan_not_for_sale');
  });

  it('POST /api/checkout needs a session and a CSRF token', async () => {
    const signedOut = await new TestClient(web.baseUrl).request('POST', '/api/checkout', { planId: 'standard' });
    const { client } = await signedInClient(web);
    const noToken = await client.request('POST', '/api/checkout', { planId: 'standard' }, { csrf: false });

    assert.equal(signedOut.status, 401);
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.error.code, 'csrf_invalid');
  });

  it('GET /pricing/:planId renders the PayPal form server-side', async () => {
    const { client } = await signedInClient(web);

    const page = await client.request('GET', '/pricing/standard', undefined, { headers: { accept: 'text/html' } });

    assert.equal(page.status, 200);
    assert.match(page.body, /<form method="post" action="https:\/\/www\.sandbox\.paypal\.com\/cgi-bin\/webscr">/);
    assert.match(page.body, /name="custom" value="[A-Za-z0-9_-]+"/);
    assert.match(page.body, /name="amount" value="9\.00"/);
    assert.doesNotMatch(page.body, /<script>/);
  });

  it('GET /pricing/:planId sends signed-out visitors to sign in', async () => {
    const page = await new TestClient(web.baseUrl).request('GET', '/pricing/standard');

    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), '/signin?next=%2Fpricing%2Fstandard');
  });

  it('GET /pricing lists the plans with buy links', async () => {
    const page = await new TestClient(web.baseUrl).request('GET', '/pricing');

    assert.equal(page.status, 200);
    assert.match(page.body, /href="\/pricing\/standard"/);
    assert.doesNotMatch(page.body, /href="\/pricing\/free"/);
  });

  it('GET /account/billing shows the plan and payment history', async () => {
    const { client } = await signedInClient(web);

    const page = await client.request('GET', '/account/billing');

    assert.equal(page.status, 200);
    assert.match(page.body, /Your plan is <strong>Free<\/strong>/);
    assert.match(page.body, /No payments yet/);
  });
});

describe('checkout without PayPal configured', () => {
  let web: RunningWebApp;

  before(async () => { web = await startWebApp(); });
  after(async () => { await web?.close(); });

  it('POST /api/checkout returns 503 payments_unavailable', async () => {
    const { client } = await signedInClient(web);

    const reply = await client.request('POST', '/api/checkout', { planId: 'standard' });

    assert.equal(reply.status, 503);
    assert.equal(reply.body.error.code, 'payments_unavailable');
  });

  it('GET /pricing says payments are off and offers no buy link', async () => {
    const page = await new TestClient(web.baseUrl).request('GET', '/pricing');

    assert.equal(page.status, 200);
    assert.match(page.body, /does not take payments/);
    assert.doesNotMatch(page.body, /href="\/pricing\/standard"/);
  });
});

describe('payment reference in checkout', () => {
  it('verifies with the configured key only', async (t) => {
    const fake = await startFakePaypal();
    t.after(() => fake.close());
    const secret = 'a'.repeat(8) + 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2';
    const web = await startPaymentsApp(fake, 'pglite', { PAYMENT_REFERENCE_SECRET: secret });
    t.after(() => web.close());
    const { client, userId } = await signedInClient(web);
    const config = parsePaypalConfig({ PAYPAL_BUSINESS: BUSINESS_EMAIL, PAYMENT_REFERENCE_SECRET: secret }, false)!;
    const other = parsePaypalConfig({ PAYPAL_BUSINESS: BUSINESS_EMAIL, PAYMENT_REFERENCE_SECRET: secret.replace('a', 'f') }, false)!;

    const reply = await client.request('POST', '/api/checkout', { planId: 'additional' });
    const reference = verifyPaymentReference(config.referenceKey, reply.body.fields.custom);

    assert.equal(reference?.userId, userId);
    assert.equal(reference?.planId, 'additional');
    assert.equal(verifyPaymentReference(other.referenceKey, reply.body.fields.custom), null);
  });
});
