import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrintableAscii, parseIpnBody } from '../../src/billing/paypal/ipn-message.js';

describe('IPN body parsing', () => {
  it('decodes form fields', () => {
    const fields = parseIpnBody(Buffer.from('txn_id=ABC123&mc_gross=9.00&item_name=Standard+plan%2C+30+days&custom='));

    assert.equal(fields?.get('txn_id'), 'ABC123');
    assert.equal(fields?.get('mc_gross'), '9.00');
    assert.equal(fields?.get('item_name'), 'Standard plan, 30 days');
    assert.equal(fields?.get('custom'), '');
  });

  it('decodes windows-1252 by default', () => {
    const fields = parseIpnBody(Buffer.from('first_name=Jos%E9'));

    assert.equal(fields?.get('first_name'), 'José');
  });

  it('decodes the charset the message names', () => {
    const fields = parseIpnBody(Buffer.from('charset=UTF-8&first_name=Jos%C3%A9'));

    assert.equal(fields?.get('first_name'), 'José');
  });

  it('rejects a field given twice', () => {
    assert.equal(parseIpnBody(Buffer.from('receiver_email=a%40example.com&receiver_email=b%40example.com')), null);
  });

  it('rejects invalid percent escapes', () => {
    assert.equal(parseIpnBody(Buffer.from('txn_id=%G1')), null);
    assert.equal(parseIpnBody(Buffer.from('txn_id=%4')), null);
  });

  it('rejects an empty body', () => {
    assert.equal(parseIpnBody(Buffer.alloc(0)), null);
    assert.equal(parseIpnBody(Buffer.from('&&')), null);
  });

  it('tells printable ASCII from other bytes', () => {
    assert.equal(isPrintableAscii(Buffer.from('a=b&c=%E9')), true);
    assert.equal(isPrintableAscii(Buffer.from('a=\u00e9', 'latin1')), false);
    assert.equal(isPrintableAscii(Buffer.from('a=b\n')), false);
  });
});
