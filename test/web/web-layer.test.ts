import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { safeNextPath } from '../../src/web/routes/safe-next.js';
import { LOG_REDACT_PATHS } from '../../src/web/app.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

const STRONG = 'c1f4a9e07b3d52e8a6f0c2b9d1e7a3f58b4c6d0e2f9a1b3c5d7e9f0a2b4c6d8e';

describe('security headers', () => {
  let web: RunningWebApp;

  before(async () => { web = await startWebApp(); });
  after(async () => { await web?.close(); });

  for (const path of ['/', '/api/lessons', '/no-such-page', '/static/css/site.css']) {
    it(`sets them on ${path}`, async () => {
      const response = await fetch(web.baseUrl + path);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.match(response.headers.get('permissions-policy') ?? '', /camera=\(\)/);
      assert.equal(response.headers.get('strict-transport-security'), null);
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    });
  }
});

describe('production mode', () => {
  it('sends HSTS and Secure host-only cookies', async (t) => {
    const web = await startWebApp({ env: { NODE_ENV: 'production', SANDBOX_SECRET: STRONG, CSRF_SECRET: STRONG, PUBLIC_URL: 'https://learn.example.com' } });
    t.after(() => web.close());

    const response = await fetch(`${web.baseUrl}/api/csrf`);
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
    const cookie = response.headers.getSetCookie().join('\n');
    assert.match(cookie, /Secure/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
  });
});

describe('CORS', () => {
  it('answers only listed origins', async (t) => {
    const web = await startWebApp({ env: { CORS_ORIGINS: 'https://school.example.org' } });
    t.after(() => web.close());

    const listed = await fetch(`${web.baseUrl}/api/lessons`, { headers: { origin: 'https://school.example.org' } });
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://school.example.org');
    const other = await fetch(`${web.baseUrl}/api/lessons`, { headers: { origin: 'https://evil.example.net' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${web.baseUrl}/api/run`, { method: 'OPTIONS', headers: { origin: 'https://school.example.org', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-csrf-token/);
  });
});

describe('client address behind proxies', () => {
  it('ignores X-Forwarded-For without TRUST_PROXY', async (t) => {
    const web = await startWebApp({ env: { AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '3' } });
    t.after(() => web.close());

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const client = new TestClient(web.baseUrl, { 'x-forwarded-for': `203.0.113.${attempt + 1}` });
      const response = await client.request('POST', '/api/auth/login', { email: `spoof-${attempt}@example.com`, password: 'not the password' });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
  });

  it('uses X-Forwarded-For from a listed proxy', async (t) => {
    const web = await startWebApp({ env: { AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '3', TRUST_PROXY: '127.0.0.1' } });
    t.after(() => web.close());

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const client = new TestClient(web.baseUrl, { 'x-forwarded-for': `203.0.113.${attempt + 1}` });
      const response = await client.request('POST', '/api/auth/login', { email: `proxied-${attempt}@example.com`, password: 'not the password' });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
  });
});

describe('CSRF on every state-changing route', () => {
  let web: RunningWebApp;

  before(async () => { web = await startWebApp(); });
  after(async () => { await web?.close(); });

  it('rejects each one without a token', async () => {
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());
    const routes = web.app.securedRoutes.filter((route) => route.security.csrf === 'token');
    assert.ok(routes.length >= 5);

    for (const route of routes) {
      const url = route.url.replace(/:[A-Za-z]+/g, 'printing');
      const missing = await client.request(route.method, url, {}, { csrf: false });
      assert.equal(missing.status, 403, `${route.method} ${route.url} without a token`);
      assert.equal(missing.body.error.code, 'csrf_invalid');
      const forged = await client.request(route.method, url, {}, { csrf: 'a'.repeat(43) });
      assert.equal(forged.status, 403, `${route.method} ${route.url} with a forged token`);
    }
  });

  it('rejects a token from another browser', async () => {
    const victim = new TestClient(web.baseUrl);
    await victim.request('POST', '/api/auth/register', newAccount());
    const attacker = new TestClient(web.baseUrl);
    const attackerToken = await attacker.fetchCsrfToken();

    const response = await victim.request('POST', '/api/run', { code: 'print(1)' }, { csrf: attackerToken });
    assert.equal(response.status, 403);
  });
});

describe('safeNextPath', () => {
  const cases: Array<[unknown, string]> = [
    ['/lessons/printing', '/lessons/printing'],
    ['/learn?x=1', '/learn?x=1'],
    ['//evil.example', '/learn'],
    ['/\\evil.example', '/learn'],
    ['https://evil.example/', '/learn'],
    ['javascript:alert(1)', '/learn'],
    ['/\tevil', '/learn'],
    ['', '/learn'],
    [undefined, '/learn'],
    [['/learn', '//evil'], '/learn'],
  ];
  for (const [input, expected] of cases) {
    it(`maps ${JSON.stringify(input)} to ${expected}`, () => {
      assert.equal(safeNextPath(input), expected);
    });
  }
});

describe('request logging', () => {
  it('writes one line per request without secrets', async (t) => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    const logger = pino({ level: 'info', redact: LOG_REDACT_PATHS }, sink);
    const web = await startWebApp({ logger });
    t.after(() => web.close());
    const account = newAccount();
    const client = new TestClient(web.baseUrl);

    await client.request('POST', '/api/auth/register', account);
    await client.request('POST', '/api/auth/login', { email: account.email, password: account.password });
    await client.request('GET', '/api/me');

    const finished = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request finished');
    const me = finished.find((entry) => entry.route === '/api/me');
    assert.ok(me);
    assert.equal(typeof me.reqId, 'string');
    assert.equal(typeof me.userId, 'string');
    assert.equal(me.statusCode, 200);
    assert.equal(typeof me.responseTimeMs, 'number');
    const everything = lines.join('\n');
    assert.equal(everything.includes(account.password), false);
    assert.equal(everything.includes(client.cookie('lp_session')!), false);
  });
});

describe('user text on pages', () => {
  it('escapes an email with HTML-significant characters', async (t) => {
    const web = await startWebApp();
    t.after(() => web.close());
    const client = new TestClient(web.baseUrl);
    const account = { ...newAccount(), email: `o'brien&co${Date.now()}@example.com` };

    const registered = await client.request('POST', '/api/auth/register', account);
    assert.equal(registered.status, 201);
    for (const path of ['/learn', '/account', '/lessons/printing']) {
      const page = await client.request('GET', path, undefined, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200, path);
      assert.equal((page.body as string).includes(account.email), false, `${path} shows the raw email`);
    }
  });

  it('rejects markup in a username', async (t) => {
    const web = await startWebApp();
    t.after(() => web.close());

    const response = await new TestClient(web.baseUrl).request('POST', '/api/auth/register', { ...newAccount(), username: '<img src=x onerror=alert(1)>' });
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error.fields.username, 'string');
  });
});

describe('next parameter on sign-in pages', () => {
  it('never redirects a signed-in user off the site', async (t) => {
    const web = await startWebApp();
    t.after(() => web.close());
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());

    for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', '/%2F%2Fevil.example', 'javascript:alert(1)']) {
      for (const page of ['/signin', '/signup']) {
        const response = await client.request('GET', `${page}?next=${encodeURIComponent(next)}`, undefined, { headers: { accept: 'text/html' } });
        const location = response.headers.get('location') ?? '';
        assert.equal(response.status, 302, `${page} with ${next}`);
        assert.match(location, /^\/(?![\/\\])/, `${page} with ${next} went to ${location}`);
      }
    }
  });
});
