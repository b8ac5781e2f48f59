import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

/** Bodies a careless or hostile client might send; none may cause a 5xx other than a named 503. */
const HOSTILE_BODIES: Array<[string, string]> = [
  ['malformed JSON', '{"email": "a@b.c", '],
  ['a JSON array', '[1, 2, 3]'],
  ['a JSON string', '"just a string"'],
  ['JSON null', 'null'],
  ['wrong types', JSON.stringify({ email: 42, username: ['x'], password: { nested: true }, code: 7, stdin: false, token: 1, planId: null, message: 3 })],
  ['deep nesting', '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000)],
  ['null bytes', JSON.stringify({ email: 'a\u0000@b.c', username: 'n\u0000ll', password: 'p\u0000ssword long enough', code: 'print(1)\u0000', token: '\u0000', message: '\u0000' })],
  ['Unicode-laden fields', JSON.stringify({ email: 'ü@例え.テスト', username: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', password: '🔑'.repeat(300), code: 'print("𝔘")', message: 'ʕ•ᴥ•ʔ'.repeat(50), token: '🦄' })],
  ['lone surrogates', '{"email": "\\ud800@b.c", "code": "print(\\"\\udfff\\")", "token": "\\ud800"}'],
  ['an oversized body', JSON.stringify({ code: 'x'.repeat(3 * 1024 * 1024), email: 'x'.repeat(100_000) })],
  ['prototype keys', '{"__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}, "email": "a@b.c"}'],
];

/** 503 codes that name a dependency that is off or absent in this test, so they are correct responses. */
const EXPECTED_UNAVAILABLE = new Set(['sandbox_unavailable', 'payments_unavailable', 'tutor_unavailable']);

describe('malformed input on every route', () => {
  let web: RunningWebApp;
  let client: TestClient;

  before(async () => {
    web = await startWebApp({ env: { AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '10000', RUNS_PER_MINUTE_PER_IP: '100000', RUNS_PER_MINUTE_PER_USER: '100000' } });
    client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());
  });
  after(async () => { await web?.close(); });

  it('never answers 5xx to a hostile body', async () => {
    const routes = web.app.securedRoutes.filter((route) => !['GET', 'HEAD', 'OPTIONS'].includes(route.method));
    assert.ok(routes.length >= 3);

    for (const route of routes) {
      // Route parameters get plausible values, so the body is what is tested.
      const url = route.url.replace(/:[A-Za-z]+/g, 'printing');
      for (const [name, body] of HOSTILE_BODIES) {
        const contentType = route.url.startsWith('/paypal/ipn') ? 'application/x-www-form-urlencoded' : 'application/json';
        const response = await client.request(route.method, url, body, { headers: { 'content-type': contentType } });
        const code = (response.body as { error?: { code?: string } } | null)?.error?.code;
        const label = `${route.method} ${route.url} with ${name}: ${response.status} ${code ?? ''}`;

        assert.ok(response.status < 500 || (response.status === 503 && EXPECTED_UNAVAILABLE.has(code ?? '')), label);
        if (response.status >= 400) assert.equal(typeof code, 'string', label);
        assert.doesNotMatch(JSON.stringify(response.body), /at .+\.(ts|js):\d+|node_modules/, label);
      }
    }
  });

  it('rejects a non-JSON content type with 415', async () => {
    // A fresh account, because the barrage above signed the first one out.
    const fresh = new TestClient(web.baseUrl);
    await fresh.request('POST', '/api/auth/register', newAccount());
    const response = await fresh.request('POST', '/api/run', 'code=print(1)', { headers: { 'content-type': 'text/plain' } });
    assert.equal(response.status, 415);
    assert.equal(response.body.error.code, 'unsupported_media_type');
  });

  it('rejects code that is not a string instead of converting it', async () => {
    const fresh = new TestClient(web.baseUrl);
    await fresh.request('POST', '/api/auth/register', newAccount());
    for (const code of [5, true, null, [1]]) {
      const response = await fresh.request('POST', '/api/run', { code });
      assert.equal(response.status, 400, JSON.stringify(code));
      assert.equal(response.body.error.code, 'invalid_input');
    }
  });

  it('answers an undecodable URL in the error shape', async () => {
    const response = await fetch(`${web.baseUrl}/lessons/%E0%A4%A`);
    const body = await response.json() as { error: { code: string; message: string } };
    assert.equal(response.status, 400);
    assert.equal(body.error.code, 'bad_request');
  });

  it('keeps serving new accounts after the barrage', async () => {
    const fresh = new TestClient(web.baseUrl);
    assert.equal((await fresh.request('POST', '/api/auth/register', newAccount())).status, 201);
    assert.equal((await fresh.request('GET', '/api/me')).status, 200);
  });
});
