import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listUsableBackends } from '../../src/sandbox/backends/select.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startSandboxService, type RunningSandbox } from '../helpers/sandbox-service.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

const [backendName] = await listUsableBackends();

describe(`learner flow over HTTP (${backendName} sandbox)`, () => {
  let sandbox: RunningSandbox;
  let web: RunningWebApp;

  before(async () => {
    sandbox = await startSandboxService(backendName!);
    // Every test signs up from 127.0.0.1, so the per-IP sign-up limit is raised here.
    web = await startWebApp({ sandboxUrl: sandbox.url, sandboxSecret: sandbox.secret, env: { AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000' } });
  });
  after(async () => {
    await web?.close();
    await sandbox?.close();
  });

  it('registers, opens the first lesson and runs its example', async () => {
    const client = new TestClient(web.baseUrl);
    const account = newAccount();

    const registered = await client.request('POST', '/api/auth/register', account);
    assert.equal(registered.status, 201);
    assert.equal(registered.body.user.email, account.email);
    assert.equal(registered.body.user.plan, 'free');
    assert.equal('passwordHash' in registered.body.user, false);

    const me = await client.request('GET', '/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.username, account.username);

    const list = await client.request('GET', '/api/lessons');
    assert.equal(list.status, 200);
    const first = list.body.lessons[0];
    assert.equal(first.locked, false);

    const lesson = await client.request('GET', `/api/lessons/${first.id}`);
    assert.equal(lesson.status, 200);
    assert.equal('solution' in lesson.body.lesson.tasks[0], false);

    const run = await client.request('POST', '/api/run', { code: lesson.body.lesson.example.code, stdin: lesson.body.lesson.example.stdin });
    assert.equal(run.status, 200);
    assert.equal(run.body.status, 'ok');
    assert.equal(run.body.stdout, lesson.body.lesson.example.expectedOutput);
    assert.equal(run.body.exitCode, 0);
    assert.equal(typeof run.body.durationMs, 'number');
  });

  it('signs in with a new session id and signs out server-side', async () => {
    const account = newAccount();
    const first = new TestClient(web.baseUrl);
    await first.request('POST', '/api/auth/register', account);
    const registrationCookie = first.cookie('lp_session');

    const second = new TestClient(web.baseUrl);
    const login = await second.request('POST', '/api/auth/login', { email: account.email.toUpperCase(), password: account.password });
    assert.equal(login.status, 200);
    assert.notEqual(second.cookie('lp_session'), registrationCookie);

    const stolenCookie = second.cookie('lp_session')!;
    assert.equal((await second.request('POST', '/api/auth/logout')).status, 204);

    const replay = new TestClient(web.baseUrl);
    replay.setCookie('lp_session', stolenCookie);
    assert.equal((await replay.request('GET', '/api/me')).status, 401);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const account = newAccount();
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', account);

    const wrongPassword = await new TestClient(web.baseUrl).request('POST', '/api/auth/login', { email: account.email, password: 'not the password at all' });
    const unknownEmail = await new TestClient(web.baseUrl).request('POST', '/api/auth/login', { email: `nobody-${account.email}`, password: 'not the password at all' });
    assert.equal(wrongPassword.status, 401);
    assert.deepEqual(wrongPassword.body.error, unknownEmail.body.error);
  });

  it('rejects a run without a session with 401', async () => {
    const response = await new TestClient(web.baseUrl).request('POST', '/api/run', { code: 'print(1)' });
    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, 'unauthenticated');
  });

  it('rejects a run without a CSRF token with 403', async () => {
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());

    const missing = await client.request('POST', '/api/run', { code: 'print(1)' }, { csrf: false });
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error.code, 'csrf_invalid');
    const wrong = await client.request('POST', '/api/run', { code: 'print(1)' }, { csrf: 'forged-token' });
    assert.equal(wrong.status, 403);
  });

  it('rejects code over the limit with 413', async () => {
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());

    const response = await client.request('POST', '/api/run', { code: '#'.repeat(10_001) });
    assert.equal(response.status, 413);
    assert.equal(response.body.error.code, 'code_too_long');
    const huge = await client.request('POST', '/api/run', { code: '#'.repeat(2_000_000) });
    assert.equal(huge.status, 413);
  });

  it('allows one run at a time per user with 409', async () => {
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());
    await client.fetchCsrfToken();

    const slow = client.request('POST', '/api/run', { code: 'import time\ntime.sleep(1.5)\nprint("done")' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await client.request('POST', '/api/run', { code: 'print(2)' });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'run_in_progress');
    assert.equal((await slow).body.stdout, 'done\n');
  });

  it('explains an uncaught exception', async () => {
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());

    const response = await client.request('POST', '/api/run', { code: 'name = "Ada"\nprint(nmae)\n' });
    assert.equal(response.body.status, 'error');
    assert.match(response.body.stderr, /NameError/);
    assert.equal(response.body.explanation.errorType, 'NameError');
    assert.equal(response.body.explanation.line, 2);
  });

  it('answers malformed JSON with 400 and the error shape', async () => {
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());

    const response = await client.request('POST', '/api/run', '{"code": ');
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error.code, 'string');
    assert.equal(typeof response.body.error.message, 'string');
  });
});

describe('run limits and an absent sandbox', () => {
  it('throttles runs past the per-user limit with 429 and Retry-After', async (t) => {
    const sandbox = await startSandboxService(backendName!);
    const web = await startWebApp({ sandboxUrl: sandbox.url, sandboxSecret: sandbox.secret, env: { RUNS_PER_MINUTE_PER_USER: '2' } });
    t.after(async () => { await web.close(); await sandbox.close(); });
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());

    assert.equal((await client.request('POST', '/api/run', { code: 'print(1)' })).status, 200);
    assert.equal((await client.request('POST', '/api/run', { code: 'print(2)' })).status, 200);
    const third = await client.request('POST', '/api/run', { code: 'print(3)' });
    assert.equal(third.status, 429);
    assert.equal(third.body.error.code, 'rate_limited');
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
  });

  it('answers 503 sandbox_unavailable when the sandbox is down', async (t) => {
    const web = await startWebApp({ sandboxUrl: new URL('http://127.0.0.1:9') });
    t.after(() => web.close());
    const client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());

    const response = await client.request('POST', '/api/run', { code: 'print(1)' });
    assert.equal(response.status, 503);
    assert.equal(response.body.error.code, 'sandbox_unavailable');
    const ready = await client.request('GET', '/readyz');
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.failing, ['sandbox']);
  });

  it('answers 503 sandbox_busy with Retry-After when every slot is taken', async (t) => {
    const sandbox = await startSandboxService(backendName!, { concurrency: 1, queueMax: 0 });
    const web = await startWebApp({ sandboxUrl: sandbox.url, sandboxSecret: sandbox.secret });
    t.after(async () => { await web.close(); await sandbox.close(); });
    const first = new TestClient(web.baseUrl);
    const second = new TestClient(web.baseUrl);
    await first.request('POST', '/api/auth/register', newAccount());
    await second.request('POST', '/api/auth/register', newAccount());
    await second.fetchCsrfToken();

    const slow = first.request('POST', '/api/run', { code: 'import time\ntime.sleep(1.5)' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const busy = await second.request('POST', '/api/run', { code: 'print(1)' });
    assert.equal(busy.status, 503);
    assert.equal(busy.body.error.code, 'sandbox_busy');
    assert.ok(Number(busy.headers.get('retry-after')) >= 1);
    assert.equal((await slow).status, 200);
  });
});
