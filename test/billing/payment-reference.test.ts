import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createPaymentReference, MAX_REFERENCE_CHARS, verifyPaymentReference } from '../../src/billing/payment-reference.js';

const key = randomBytes(32);

describe('payment reference', () => {
  it('round-trips the account and plan', () => {
    const userId = randomUUID();
    const now = new Date('2030-01-02T03:04:05Z');

    const reference = verifyPaymentReference(key, createPaymentReference(key, { userId, planId: 'standard', now }));

    assert.equal(reference?.userId, userId);
    assert.equal(reference?.planId, 'standard');
    assert.equal(reference?.issuedAt.toISOString(), now.toISOString());
    assert.match(reference!.checkoutId, /^[0-9a-f]{16}$/);
  });

  it('hides the account id', () => {
    const userId = randomUUID();

    const reference = createPaymentReference(key, { userId, planId: 'full' });

    assert.ok(!reference.includes(userId));
    assert.ok(!reference.includes(userId.replaceAll('-', '')));
  });

  it('fits the shortest PayPal field', () => {
    const reference = createPaymentReference(key, { userId: randomUUID(), planId: 'additional' });

    assert.ok(reference.length <= MAX_REFERENCE_CHARS);
    assert.match(reference, /^[A-Za-z0-9_-]+$/);
  });

  it('rejects every single-character change', () => {
    const reference = createPaymentReference(key, { userId: randomUUID(), planId: 'standard' });

    for (let index = 0; index < reference.length; index += 1) {
      const replacement = reference[index] === 'A' ? 'B' : 'A';
      const tampered = reference.slice(0, index) + replacement + reference.slice(index + 1);
      assert.equal(verifyPaymentReference(key, tampered), null, `change at ${index}`);
    }
  });

  it('rejects a reference signed with another key', () => {
    const reference = createPaymentReference(randomBytes(32), { userId: randomUUID(), planId: 'standard' });

    assert.equal(verifyPaymentReference(key, reference), null);
  });

  it('rejects a plan swapped in from another reference', () => {
    const userId = randomUUID();
    const standard = Buffer.from(createPaymentReference(key, { userId, planId: 'standard' }), 'base64url');
    const swapped = Buffer.concat([standard.subarray(0, 29), Buffer.from('full'), standard.subarray(standard.length - 16)]).toString('base64url');

    assert.equal(verifyPaymentReference(key, swapped), null);
  });

  it('rejects missing, empty and oversized values', () => {
    for (const value of [undefined, null, '', 'a'.repeat(MAX_REFERENCE_CHARS + 1), 'not base64!', randomUUID()]) {
      assert.equal(verifyPaymentReference(key, value), null, String(value));
    }
  });

  it('refuses to sign a malformed account or plan id', () => {
    assert.throws(() => createPaymentReference(key, { userId: 'someone@example.com', planId: 'standard' }));
    assert.throws(() => createPaymentReference(key, { userId: randomUUID(), planId: 'Standard Plan' }));
  });
});
