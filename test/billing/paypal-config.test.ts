import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/env-parsers.js';
import { parsePaypalConfig } from '../../src/config/paypal-config.js';

const SECRET = '3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c8e2b4d6f0a1c3e5b7d9f2a4c6e8b0d1f3a';

describe('PayPal configuration', () => {
  it('turns payments off without PAYPAL_BUSINESS', () => {
    assert.equal(parsePaypalConfig({}, false), null);
    assert.equal(parsePaypalConfig({ PAYPAL_MODE: 'live' }, true), null);
  });

  it('defaults to PayPal sandbox URLs', () => {
    const config = parsePaypalConfig({ PAYPAL_BUSINESS: 'Shop@Example.com' }, false)!;

    assert.equal(config.mode, 'sandbox');
    assert.equal(config.business, 'shop@example.com');
    assert.equal(config.checkoutUrl.toString(), 'https://www.sandbox.paypal.com/cgi-bin/webscr');
    assert.equal(config.ipnVerifyUrl.toString(), 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr');
    assert.equal(config.apiBase.toString(), 'https://api-m.sandbox.paypal.com/');
    assert.equal(config.webhook, null);
  });

  it('uses live URLs in live mode', () => {
    const config = parsePaypalConfig({ PAYPAL_BUSINESS: 'shop@example.com', PAYPAL_MODE: 'live', PAYMENT_REFERENCE_SECRET: SECRET }, true)!;

    assert.equal(config.checkoutUrl.toString(), 'https://www.paypal.com/cgi-bin/webscr');
    assert.equal(config.ipnVerifyUrl.toString(), 'https://ipnpb.paypal.com/cgi-bin/webscr');
    assert.equal(config.apiBase.toString(), 'https://api-m.paypal.com/');
  });

  it('requires PAYMENT_REFERENCE_SECRET in production', () => {
    assert.throws(() => parsePaypalConfig({ PAYPAL_BUSINESS: 'shop@example.com' }, true), ConfigError);
  });

  it('rejects a weak PAYMENT_REFERENCE_SECRET', () => {
    assert.throws(() => parsePaypalConfig({ PAYPAL_BUSINESS: 'shop@example.com', PAYMENT_REFERENCE_SECRET: 'secret' }, false), ConfigError);
  });

  it('derives the same key from the same secret', () => {
    const env = { PAYPAL_BUSINESS: 'shop@example.com', PAYMENT_REFERENCE_SECRET: SECRET };

    assert.deepEqual(parsePaypalConfig(env, false)!.referenceKey, parsePaypalConfig(env, false)!.referenceKey);
  });

  it('requires HTTPS PayPal URLs in production', () => {
    const env = { PAYPAL_BUSINESS: 'shop@example.com', PAYMENT_REFERENCE_SECRET: SECRET, PAYPAL_IPN_VERIFY_URL: 'http://127.0.0.1:9/cgi-bin/webscr' };

    assert.throws(() => parsePaypalConfig(env, true), /https/);
    assert.equal(parsePaypalConfig(env, false)!.ipnVerifyUrl.protocol, 'http:');
  });

  it('requires the three webhook settings together', () => {
    assert.throws(() => parsePaypalConfig({ PAYPAL_BUSINESS: 'shop@example.com', PAYPAL_CLIENT_ID: 'id' }, false), /PAYPAL_WEBHOOK_ID/);

    const config = parsePaypalConfig({ PAYPAL_BUSINESS: 'shop@example.com', PAYPAL_CLIENT_ID: 'id', PAYPAL_CLIENT_SECRET: 'secret', PAYPAL_WEBHOOK_ID: 'WH1' }, false)!;
    assert.deepEqual(config.webhook, { clientId: 'id', clientSecret: 'secret', webhookId: 'WH1' });
  });

  it('rejects a receiver that is not an email address', () => {
    assert.throws(() => parsePaypalConfig({ PAYPAL_BUSINESS: 'not an email' }, false), ConfigError);
  });
});
