import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvents, payments } from '../../src/db/schema.js';
import { startFakePaypal, type FakePaypal } from '../billing/helpers/fake-paypal.js';
import {
  BUSINESS_EMAIL, currentPlan, entitlementsOf, ipnFieldsFor, ledgerRowsFor, newTxnId, postIpn, startCheckout, startPaymentsApp,
} from '../billing/helpers/payment-flow.js';
import { databaseKindsToTest } from '../helpers/databases.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

const DAY_MS = 24 * 60 * 60 * 1000;

for (const databaseKind of await databaseKindsToTest()) {
  describe(`POST /paypal/ipn (${databaseKind})`, () => {
    let fake: FakePaypal;
    let web: RunningWebApp;

    before(async () => {
      fake = await startFakePaypal();
      web = await startPaymentsApp(fake, databaseKind);
    });
    after(async () => {
      await web?.close();
      await fake?.close();
    });

    it('grants the plan for a verified payment', async () => {
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout);
      const before = Date.now();

      const reply = await postIpn(web, fake.sendIpn(fields));

      assert.equal(reply.status, 200);
      assert.equal(reply.text, '');
      const plan = await currentPlan(buyer);
      assert.equal(plan.plan, 'standard');
      assert.ok(plan.planExpiresAt !== null);
      const expiresInMs = Date.parse(plan.planExpiresAt) - before;
      assert.ok(expiresInMs > 29 * DAY_MS && expiresInMs <= 30 * DAY_MS + 60_000, `expires in ${expiresInMs} ms`);

      const rows = await entitlementsOf(web.database.db, buyer.userId);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.source, 'paypal');
      const [ledger] = await ledgerRowsFor(web.database.db, fields.txn_id!);
      assert.equal(ledger!.verification, 'verified');
      assert.equal(ledger!.action, 'granted');
      assert.equal(ledger!.userId, buyer.userId);
      const audit = await web.database.db.select().from(auditEvents).where(and(eq(auditEvents.userId, buyer.userId), eq(auditEvents.type, 'plan_changed')));
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.details.change, 'granted');

      const billing = await buyer.client.request('GET', '/account/billing');
      assert.match(billing.body, /Plan granted/);
      assert.match(billing.body, /9\.00 USD/);
    });

    it('grants nothing for a message PayPal calls INVALID', async () => {
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout);
      const forged = Buffer.from(new URLSearchParams(fields).toString());

      const reply = await postIpn(web, forged);

      assert.equal(reply.status, 200);
      assert.equal((await currentPlan(buyer)).plan, 'free');
      assert.equal((await entitlementsOf(web.database.db, buyer.userId)).length, 0);
      const [ledger] = await ledgerRowsFor(web.database.db, fields.txn_id!);
      assert.equal(ledger!.verification, 'invalid');
      assert.equal(ledger!.action, 'rejected');
    });

    it('grants once when a message is replayed', async () => {
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout);
      const body = fake.sendIpn(fields);

      const first = await postIpn(web, body);
      const second = await postIpn(web, body);

      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      assert.equal((await entitlementsOf(web.database.db, buyer.userId)).length, 1);
      const ledger = await ledgerRowsFor(web.database.db, fields.txn_id!);
      assert.deepEqual(ledger.map((row) => row.action), ['granted', 'duplicate']);
    });

    it('grants once for 20 concurrent deliveries', async () => {
      const buyer = await startCheckout(web, 'full');
      const body = fake.sendIpn(ipnFieldsFor(buyer.checkout));

      const replies = await Promise.all(Array.from({ length: 20 }, () => postIpn(web, body)));

      for (const reply of replies) assert.equal(reply.status, 200);
      const rows = await entitlementsOf(web.database.db, buyer.userId);
      assert.equal(rows.length, 1);
      assert.equal((await currentPlan(buyer)).plan, 'full');
    });

    it('grants once for 20 concurrent completions of a pending payment', async () => {
      const buyer = await startCheckout(web, 'standard');
      const txnId = newTxnId();
      await postIpn(web, fake.sendIpn(ipnFieldsFor(buyer.checkout, { txn_id: txnId, payment_status: 'Pending', pending_reason: 'echeck' })));
      const completed = fake.sendIpn(ipnFieldsFor(buyer.checkout, { txn_id: txnId }));

      const replies = await Promise.all(Array.from({ length: 20 }, () => postIpn(web, completed)));

      for (const reply of replies) assert.equal(reply.status, 200);
      assert.equal((await entitlementsOf(web.database.db, buyer.userId)).length, 1);
    });

    it('ignores a payment to another receiver', async () => {
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout, { receiver_email: 'someone-else@example.com', business: 'someone-else@example.com' });

      const reply = await postIpn(web, fake.sendIpn(fields));

      assert.equal(reply.status, 200);
      assert.equal((await currentPlan(buyer)).plan, 'free');
      const [ledger] = await ledgerRowsFor(web.database.db, fields.txn_id!);
      assert.equal(ledger!.action, 'rejected');
      assert.match(ledger!.detail!, /receiver/);
    });

    it('accepts the receiver email in any letter case', async () => {
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout, { receiver_email: BUSINESS_EMAIL.toUpperCase(), business: BUSINESS_EMAIL.toUpperCase() });

      await postIpn(web, fake.sendIpn(fields));

      assert.equal((await currentPlan(buyer)).plan, 'standard');
    });

    it('ignores a payment of the wrong amount', async () => {
      for (const amount of ['8.99', '9.0', '9', '0.01', '90.00']) {
        const buyer = await startCheckout(web, 'standard');
        const fields = ipnFieldsFor(buyer.checkout, { mc_gross: amount });

        const reply = await postIpn(web, fake.sendIpn(fields));

        assert.equal(reply.status, 200, amount);
        assert.equal((await currentPlan(buyer)).plan, 'free', amount);
        const [ledger] = await ledgerRowsFor(web.database.db, fields.txn_id!);
        assert.match(ledger!.detail!, /amount/, amount);
      }
    });

    it('ignores a payment in the wrong currency', async () => {
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout, { mc_currency: 'EUR' });

      await postIpn(web, fake.sendIpn(fields));

      assert.equal((await currentPlan(buyer)).plan, 'free');
    });

    it('ignores a cheaper item paid under a dearer plan reference', async () => {
      const buyer = await startCheckout(web, 'full');
      const fields = ipnFieldsFor(buyer.checkout, { item_number: 'additional', mc_gross: '5.00' });

      await postIpn(web, fake.sendIpn(fields));

      assert.equal((await currentPlan(buyer)).plan, 'free');
    });

    it('ignores a payment with a tampered custom reference', async () => {
      const victim = await startCheckout(web, 'standard');
      const buyer = await startCheckout(web, 'standard');
      const reference = buyer.checkout.custom!;
      const middle = Math.floor(reference.length / 2);
      const tampered = reference.slice(0, middle) + (reference[middle] === 'A' ? 'B' : 'A') + reference.slice(middle + 1);
      const cases = [tampered, victim.checkout.custom!.slice(0, -2) + reference.slice(-2), buyer.userId, ''];

      for (const custom of cases) {
        const fields = ipnFieldsFor(buyer.checkout, { custom });
        const reply = await postIpn(web, fake.sendIpn(fields));
        assert.equal(reply.status, 200);
        const [ledger] = await ledgerRowsFor(web.database.db, fields.txn_id!);
        assert.match(ledger!.detail!, /reference/);
      }
      assert.equal((await currentPlan(buyer)).plan, 'free');
      assert.equal((await currentPlan(victim)).plan, 'free');
    });

    it('grants on completion after a pending message', async () => {
      const buyer = await startCheckout(web, 'standard');
      const txnId = newTxnId();

      const pending = await postIpn(web, fake.sendIpn(ipnFieldsFor(buyer.checkout, { txn_id: txnId, payment_status: 'Pending', pending_reason: 'echeck' })));
      assert.equal(pending.status, 200);
      assert.equal((await currentPlan(buyer)).plan, 'free');

      await postIpn(web, fake.sendIpn(ipnFieldsFor(buyer.checkout, { txn_id: txnId })));

      assert.equal((await currentPlan(buyer)).plan, 'standard');
      const ledger = await ledgerRowsFor(web.database.db, txnId);
      assert.deepEqual(ledger.map((row) => row.action), ['recorded_pending', 'granted']);
    });

    it('removes the plan when the payment is refunded', async () => {
      const buyer = await startCheckout(web, 'standard');
      const payment = ipnFieldsFor(buyer.checkout);
      await postIpn(web, fake.sendIpn(payment));
      assert.equal((await currentPlan(buyer)).plan, 'standard');

      const refund = ipnFieldsFor(buyer.checkout, {
        txn_id: newTxnId(), parent_txn_id: payment.txn_id!, payment_status: 'Refunded', reason_code: 'refund', mc_gross: '-9.00', mc_fee: '-0.56',
      });
      const reply = await postIpn(web, fake.sendIpn(refund));

      assert.equal(reply.status, 200);
      assert.equal((await currentPlan(buyer)).plan, 'free');
      const [row] = await entitlementsOf(web.database.db, buyer.userId);
      assert.ok(row!.revokedAt !== null);
      const [ledger] = await ledgerRowsFor(web.database.db, refund.txn_id!);
      assert.equal(ledger!.action, 'revoked');
      assert.equal(ledger!.userId, buyer.userId);
    });

    it('never grants a payment refunded before its completion arrived', async () => {
      const buyer = await startCheckout(web, 'standard');
      const payment = ipnFieldsFor(buyer.checkout);
      const reversal = ipnFieldsFor(buyer.checkout, { txn_id: newTxnId(), parent_txn_id: payment.txn_id!, payment_status: 'Reversed', reason_code: 'chargeback', mc_gross: '-9.00' });

      await postIpn(web, fake.sendIpn(reversal));
      await postIpn(web, fake.sendIpn(payment));

      assert.equal((await currentPlan(buyer)).plan, 'free');
      const [row] = await web.database.db.select().from(payments).where(eq(payments.txnId, payment.txn_id!));
      assert.equal(row!.status, 'reversed');
    });

    it('returns 503 while the verifier is down', async (t) => {
      t.after(() => { fake.mode = 'up'; });
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout);
      const body = fake.sendIpn(fields);
      fake.mode = 'down';

      const reply = await postIpn(web, body);

      assert.equal(reply.status, 503);
      assert.equal(JSON.parse(reply.text).error.code, 'payment_verification_unavailable');
      assert.equal((await currentPlan(buyer)).plan, 'free');
      const [row] = await web.database.db.select().from(payments).where(eq(payments.txnId, fields.txn_id!));
      assert.equal(row, undefined);
      const [ledger] = await ledgerRowsFor(web.database.db, fields.txn_id!);
      assert.equal(ledger!.verification, 'unavailable');

      fake.mode = 'up';
      const retried = await postIpn(web, body);
      assert.equal(retried.status, 200);
      assert.equal((await currentPlan(buyer)).plan, 'standard');
    });

    it('returns 503 for an unknown verifier response', async (t) => {
      t.after(() => { fake.mode = 'up'; });
      const buyer = await startCheckout(web, 'standard');
      const body = fake.sendIpn(ipnFieldsFor(buyer.checkout));
      fake.mode = 'garbage';

      const reply = await postIpn(web, body);

      assert.equal(reply.status, 503);
      assert.equal((await currentPlan(buyer)).plan, 'free');
    });

    it('posts back non-ASCII messages byte for byte', async () => {
      const buyer = await startCheckout(web, 'standard');
      const fields = ipnFieldsFor(buyer.checkout, { charset: 'windows-1252' });
      // "José Müller" in windows-1252, percent-encoded as PayPal sends it.
      const raw = `${new URLSearchParams(fields).toString()}&address_name=Jos%E9+M%FCller`;

      const reply = await postIpn(web, fake.sendRawIpn(Buffer.from(raw, 'latin1')));

      assert.equal(reply.status, 200);
      assert.equal((await currentPlan(buyer)).plan, 'standard');
    });

    it('rejects a body that is not form data without asking PayPal', async () => {
      const postbacks = fake.calls.postbacks;

      const reply = await postIpn(web, 'txn_id=%ZZ&custom=x');

      assert.equal(reply.status, 400);
      assert.equal(JSON.parse(reply.text).error.code, 'invalid_notification');
      assert.equal(fake.calls.postbacks, postbacks);
    });

    it('ends a subscription entitlement at end of term', async () => {
      const buyer = await startCheckout(web, 'standard');
      const subscriptionId = `I-${newTxnId()}`;
      await postIpn(web, fake.sendIpn(ipnFieldsFor(buyer.checkout, { txn_type: 'subscr_payment', subscr_id: subscriptionId })));
      assert.equal((await currentPlan(buyer)).plan, 'standard');

      const endOfTerm = { txn_type: 'subscr_eot', subscr_id: subscriptionId, custom: buyer.checkout.custom!, receiver_email: BUSINESS_EMAIL, business: BUSINESS_EMAIL, charset: 'UTF-8', verify_sign: 'x' };
      const reply = await postIpn(web, fake.sendIpn(endOfTerm));

      assert.equal(reply.status, 200);
      assert.equal((await currentPlan(buyer)).plan, 'free');
    });
  });
}

describe('POST /paypal/ipn with a slow verifier', () => {
  let fake: FakePaypal;
  let web: RunningWebApp;

  before(async () => {
    fake = await startFakePaypal();
    // A short limit keeps the test quick; nothing asserts how long the request took.
    web = await startPaymentsApp(fake, 'pglite', { PAYPAL_TIMEOUT_MS: '300' });
  });
  after(async () => {
    await web?.close();
    await fake?.close();
  });

  it('returns 503 when the verifier times out', async () => {
    const buyer = await startCheckout(web, 'standard');
    const body = fake.sendIpn(ipnFieldsFor(buyer.checkout));
    fake.mode = 'slow';

    const reply = await postIpn(web, body);

    assert.equal(reply.status, 503);
    assert.equal(JSON.parse(reply.text).error.code, 'payment_verification_unavailable');
    assert.equal((await currentPlan(buyer)).plan, 'free');
  });
});

describe('POST /paypal/ipn without PayPal configured', () => {
  it('returns 503 payments_unavailable', async (t) => {
    const web = await startWebApp();
    t.after(() => web.close());

    const reply = await postIpn(web, 'txn_id=1');

    assert.equal(reply.status, 503);
    assert.equal(JSON.parse(reply.text).error.code, 'payments_unavailable');
  });
});
