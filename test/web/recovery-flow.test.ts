import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { newAccount } from '../helpers/http-client.js';
import { startAccountTestApp, type AccountTestApp } from '../accounts/account-test-app.js';
import { linkFromMail } from '../mail/smtp-peer.js';

const STRONG_PASSWORD = 'quiet harbour lanterns drift at dawn';

async function runSql(app: AccountTestApp, query: ReturnType<typeof sql>): Promise<Array<Record<string, unknown>>> {
  const result = (await app.web.database.db.execute(query)) as unknown as { rows: Array<Record<string, unknown>> };
  return result.rows;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('email verification', () => {
  let app: AccountTestApp;

  before(async () => { app = await startAccountTestApp(); });
  after(async () => { await app?.close(); });

  it('mails a link at registration that verifies the address', async () => {
    const client = app.newClient();
    const account = await app.register(client);
    assert.equal((await client.request('GET', '/api/me')).body.user.emailVerified, false);

    const mail = await app.mailTo(account.email, 'Confirm your email');
    const link = linkFromMail(mail);
    assert.equal(link.origin, 'http://learn.example.com');
    assert.equal(link.pathname, '/verify-email');
    const token = new URLSearchParams(link.hash.slice(1)).get('token');
    assert.ok(token);

    const page = await client.request('GET', link.pathname);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');

    const verified = await client.request('POST', '/api/auth/verify-email', { token });
    assert.equal(verified.status, 204);
    assert.equal((await client.request('GET', '/api/me')).body.user.emailVerified, true);
  });

  it('rejects a verification token used twice', async () => {
    const client = app.newClient();
    const account = await app.register(client);
    const token = await app.tokenMailedTo(account.email, 'Confirm your email');

    assert.equal((await client.request('POST', '/api/auth/verify-email', { token })).status, 204);
    const again = await client.request('POST', '/api/auth/verify-email', { token });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'invalid_token');
  });

  it('rejects an unknown verification token', async () => {
    const client = app.newClient();
    const response = await client.request('POST', '/api/auth/verify-email', { token: 'A'.repeat(43) });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_token');
  });

  it('rejects an expired verification token', async () => {
    const client = app.newClient();
    const account = await app.register(client);
    const token = await app.tokenMailedTo(account.email, 'Confirm your email');
    await runSql(app, sql`UPDATE account_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = ${account.id}`);

    const response = await client.request('POST', '/api/auth/verify-email', { token });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_token');
  });

  it('resends a link and only the newest one works', async () => {
    const client = app.newClient();
    const account = await app.register(client);
    const first = await app.tokenMailedTo(account.email, 'Confirm your email');

    const resent = await client.request('POST', '/api/auth/resend-verification');
    assert.equal(resent.status, 202);
    const second = await app.tokenMailedTo(account.email, 'Confirm your email');
    assert.notEqual(first, second);

    assert.equal((await client.request('POST', '/api/auth/verify-email', { token: first })).status, 400);
    assert.equal((await client.request('POST', '/api/auth/verify-email', { token: second })).status, 204);
  });

  it('requires sign-in to resend a link', async () => {
    const response = await app.newClient().request('POST', '/api/auth/resend-verification');
    assert.equal(response.status, 401);
  });

  it('limits resent links per account with 429', async () => {
    const client = app.newClient();
    await app.register(client);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await client.request('POST', '/api/auth/resend-verification')).status);
    }
    assert.deepEqual(statuses, [202, 202, 202, 429]);
  });

  it('stores only the hash of a mailed token', async () => {
    const client = app.newClient();
    const account = await app.register(client);
    const token = await app.tokenMailedTo(account.email, 'Confirm your email');

    const rows = await runSql(app, sql`SELECT token_hash FROM account_tokens WHERE user_id = ${account.id}`);
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]!.token_hash, token);
    assert.equal(JSON.stringify(rows).includes(token), false);
  });
});

describe('password reset', () => {
  let app: AccountTestApp;

  before(async () => { app = await startAccountTestApp(); });
  after(async () => { await app?.close(); });

  it('mails a link that sets a new password', async () => {
    const client = app.newClient();
    const account = await app.register(client);

    const requested = await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email.toUpperCase() });
    assert.equal(requested.status, 202);
    const mail = await app.mailTo(account.email, 'Reset your LearnPython password');
    const link = linkFromMail(mail);
    assert.equal(link.pathname, '/reset-password/confirm');
    const token = new URLSearchParams(link.hash.slice(1)).get('token')!;

    const browser = app.newClient();
    assert.equal((await browser.request('GET', link.pathname)).status, 200);
    const confirmed = await browser.request('POST', '/api/auth/password-reset/confirm', { token, password: STRONG_PASSWORD });
    assert.equal(confirmed.status, 204);

    const oldPassword = await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password });
    assert.equal(oldPassword.status, 401);
    const newPassword = await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: STRONG_PASSWORD });
    assert.equal(newPassword.status, 200);
  });

  it('revokes every session of the account', async () => {
    const first = app.newClient();
    const account = await app.register(first);
    const second = app.newClient();
    assert.equal((await second.request('POST', '/api/auth/login', { email: account.email, password: account.password })).status, 200);

    await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email });
    const token = await app.tokenMailedTo(account.email, 'Reset your LearnPython password');
    assert.equal((await app.newClient().request('POST', '/api/auth/password-reset/confirm', { token, password: STRONG_PASSWORD })).status, 204);

    assert.equal((await first.request('GET', '/api/me')).status, 401);
    assert.equal((await second.request('GET', '/api/me')).status, 401);
  });

  it('accepts a reset token once', async () => {
    const account = await app.register(app.newClient());
    await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email });
    const token = await app.tokenMailedTo(account.email, 'Reset your LearnPython password');

    const client = app.newClient();
    assert.equal((await client.request('POST', '/api/auth/password-reset/confirm', { token, password: STRONG_PASSWORD })).status, 204);
    const again = await client.request('POST', '/api/auth/password-reset/confirm', { token, password: 'another fine passphrase for later' });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'invalid_token');
  });

  it('rejects an expired reset token', async () => {
    const account = await app.register(app.newClient());
    await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email });
    const token = await app.tokenMailedTo(account.email, 'Reset your LearnPython password');
    await runSql(app, sql`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = ${account.id} AND purpose = 'password_reset'`);

    const response = await app.newClient().request('POST', '/api/auth/password-reset/confirm', { token, password: STRONG_PASSWORD });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_token');
    const signIn = await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password });
    assert.equal(signIn.status, 200);
  });

  it('rejects an unknown reset token', async () => {
    const response = await app.newClient().request('POST', '/api/auth/password-reset/confirm', { token: 'x'.repeat(43), password: STRONG_PASSWORD });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_token');
  });

  it('rejects a weak password and keeps the link usable', async () => {
    const account = await app.register(app.newClient());
    await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email });
    const token = await app.tokenMailedTo(account.email, 'Reset your LearnPython password');
    const client = app.newClient();

    const weak = await client.request('POST', '/api/auth/password-reset/confirm', { token, password: 'password1' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error.code, 'weak_password');
    assert.equal(typeof weak.body.error.message, 'string');
    assert.equal(weak.body.error.fields.password, weak.body.error.message);

    const strong = await client.request('POST', '/api/auth/password-reset/confirm', { token, password: STRONG_PASSWORD });
    assert.equal(strong.status, 204);
  });

  it('verifies the email when the reset link is used', async () => {
    const client = app.newClient();
    const account = await app.register(client);
    await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email });
    const token = await app.tokenMailedTo(account.email, 'Reset your LearnPython password');
    await app.newClient().request('POST', '/api/auth/password-reset/confirm', { token, password: STRONG_PASSWORD });

    const signedIn = app.newClient();
    const login = await signedIn.request('POST', '/api/auth/login', { email: account.email, password: STRONG_PASSWORD });
    assert.equal(login.body.user.emailVerified, true);
  });

  it('answers the same for known and unknown emails', async () => {
    const account = await app.register(app.newClient());
    const client = app.newClient();

    const known = await client.request('POST', '/api/auth/password-reset', { email: account.email });
    const unknown = await client.request('POST', '/api/auth/password-reset', { email: newAccount().email });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, known.status);
    assert.deepEqual(unknown.body, known.body);
    assert.equal(unknown.headers.get('content-type'), known.headers.get('content-type'));
    assert.equal(unknown.headers.get('content-length'), known.headers.get('content-length'));
  });

  it('takes similar time for known and unknown emails', async () => {
    // Five accounts, because the per-email limit allows three requests an hour for one address.
    const accounts = [];
    for (let index = 0; index < 5; index += 1) accounts.push(await app.register(app.newClient()));
    const knownMs: number[] = [];
    const unknownMs: number[] = [];

    for (const account of accounts) {
      const client = app.newClient();
      let started = performance.now();
      assert.equal((await client.request('POST', '/api/auth/password-reset', { email: account.email })).status, 202);
      knownMs.push(performance.now() - started);
      started = performance.now();
      assert.equal((await client.request('POST', '/api/auth/password-reset', { email: newAccount().email })).status, 202);
      unknownMs.push(performance.now() - started);
    }

    // A generous bound: the machine is shared, so only a gross difference (such as sending mail inline) should fail.
    const ratio = median(knownMs) / median(unknownMs);
    const medians = `median known ${median(knownMs).toFixed(1)} ms, unknown ${median(unknownMs).toFixed(1)} ms`;
    assert.ok(ratio > 1 / 3, medians);
    assert.ok(ratio < 3, medians);
  });

  it('rejects an invalid email with 400', async () => {
    const response = await app.newClient().request('POST', '/api/auth/password-reset', { email: 'not an address' });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_input');
    assert.ok(response.body.error.fields.email);
  });

  it('limits requests for one email with 429', async () => {
    const email = newAccount().email;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await app.newClient().request('POST', '/api/auth/password-reset', { email })).status);
    }
    assert.deepEqual(statuses, [202, 202, 202, 429]);
  });

  it('limits requests from one address with 429 and Retry-After', async () => {
    const client = app.newClient();
    let last = await client.request('POST', '/api/auth/password-reset', { email: newAccount().email });
    for (let attempt = 1; attempt < 11; attempt += 1) {
      last = await client.request('POST', '/api/auth/password-reset', { email: newAccount().email });
    }
    assert.equal(last.status, 429);
    assert.equal(last.body.error.code, 'rate_limited');
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });

  it('requires the CSRF token', async () => {
    const response = await app.newClient().request('POST', '/api/auth/password-reset', { email: newAccount().email }, { csrf: false });
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'csrf_invalid');
  });

  it('serves the reset request page', async () => {
    const page = await app.newClient().request('GET', '/reset-password');
    assert.equal(page.status, 200);
    assert.match(page.body, /data-reset-request/);
  });
});
