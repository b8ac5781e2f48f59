import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { databaseKindsToTest } from '../helpers/databases.js';
import { newAccount } from '../helpers/http-client.js';
import { startAccountTestApp, type AccountTestApp } from '../accounts/account-test-app.js';

const NEW_PASSWORD = 'copper kettles whistle over seven hills';

async function runSql(app: AccountTestApp, query: ReturnType<typeof sql>): Promise<Array<Record<string, unknown>>> {
  const result = (await app.web.database.db.execute(query)) as unknown as { rows: Array<Record<string, unknown>> };
  return result.rows;
}

for (const kind of await databaseKindsToTest()) describe(`account API on ${kind}`, () => {
  let app: AccountTestApp;

  before(async () => { app = await startAccountTestApp({ databaseKind: kind }); });
  after(async () => { await app?.close(); });

  describe('POST /api/account/password', () => {
    it('changes the password and revokes other sessions', async () => {
      const current = app.newClient();
      const account = await app.register(current);
      const other = app.newClient();
      await other.request('POST', '/api/auth/login', { email: account.email, password: account.password });
      assert.equal((await other.request('GET', '/api/me')).status, 200);

      const changed = await current.request('POST', '/api/account/password', { currentPassword: account.password, newPassword: NEW_PASSWORD });
      assert.equal(changed.status, 204);

      assert.equal((await current.request('GET', '/api/me')).status, 200);
      assert.equal((await other.request('GET', '/api/me')).status, 401);
      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: NEW_PASSWORD })).status, 200);
      const notice = await app.mailTo(account.email, 'password was changed');
      assert.match(notice.text, /every other device was signed out/);
    });

    it('rejects a wrong current password with 403', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const response = await client.request('POST', '/api/account/password', { currentPassword: 'not the password at all', newPassword: NEW_PASSWORD });
      assert.equal(response.status, 403);
      assert.equal(response.body.error.code, 'wrong_password');
      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password })).status, 200);
    });

    it('rejects a weak new password', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const response = await client.request('POST', '/api/account/password', { currentPassword: account.password, newPassword: 'qwerty123' });
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'weak_password');
      assert.equal(response.body.error.fields.newPassword, response.body.error.message);
    });

    it('requires sign-in', async () => {
      const response = await app.newClient().request('POST', '/api/account/password', { currentPassword: 'a', newPassword: NEW_PASSWORD });
      assert.equal(response.status, 401);
    });

    it('requires the CSRF token', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const response = await client.request('POST', '/api/account/password', { currentPassword: account.password, newPassword: NEW_PASSWORD }, { csrf: false });
      assert.equal(response.status, 403);
    });
  });

  describe('sessions', () => {
    it('lists sessions with the current one marked', async () => {
      const current = app.newClient();
      const account = await app.register(current);
      const firefox = app.newClient();
      await firefox.request('POST', '/api/auth/login', { email: account.email, password: account.password }, {
        headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
      });

      const listed = await current.request('GET', '/api/account/sessions');
      assert.equal(listed.status, 200);
      assert.equal(listed.headers.get('cache-control'), 'no-store');
      const sessions = listed.body.sessions as Array<Record<string, unknown>>;
      assert.equal(sessions.length, 2);
      assert.equal(sessions.filter((session) => session.current).length, 1);
      assert.ok(sessions.some((session) => session.device === 'Firefox on Linux'));
      for (const session of sessions) {
        assert.match(String(session.id), /^[0-9a-f-]{36}$/);
        assert.equal(typeof session.lastSeenAt, 'string');
        assert.ok(String(session.ip).startsWith('2001:db8:'));
      }
    });

    it('never shows the stored session key', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const listed = await client.request('GET', '/api/account/sessions');
      const keys = await runSql(app, sql`SELECT id_hash FROM sessions WHERE user_id = ${account.id}`);
      const text = JSON.stringify(listed.body);
      for (const key of keys) assert.equal(text.includes(String(key.id_hash)), false);
      assert.equal(text.includes(client.cookie('lp_session')!), false);
    });

    it('revokes another session by id', async () => {
      const current = app.newClient();
      const account = await app.register(current);
      const other = app.newClient();
      await other.request('POST', '/api/auth/login', { email: account.email, password: account.password });
      const listed = await current.request('GET', '/api/account/sessions');
      const target = (listed.body.sessions as Array<{ id: string; current: boolean }>).find((session) => !session.current)!;

      const revoked = await current.request('DELETE', `/api/account/sessions/${target.id}`);
      assert.equal(revoked.status, 204);
      assert.equal((await other.request('GET', '/api/me')).status, 401);
      assert.equal((await current.request('GET', '/api/me')).status, 200);
      const after = await current.request('GET', '/api/account/sessions');
      assert.equal(after.body.sessions.length, 1);
    });

    it('answers 404 for a session of another account', async () => {
      const owner = app.newClient();
      await app.register(owner);
      const ownSession = (await owner.request('GET', '/api/account/sessions')).body.sessions[0].id as string;
      const stranger = app.newClient();
      await app.register(stranger);

      const response = await stranger.request('DELETE', `/api/account/sessions/${ownSession}`);
      assert.equal(response.status, 404);
      assert.equal((await owner.request('GET', '/api/me')).status, 200);
    });

    it('rejects a malformed session id with 400', async () => {
      const client = app.newClient();
      await app.register(client);
      const response = await client.request('DELETE', '/api/account/sessions/not-a-session-id');
      assert.equal(response.status, 400);
    });

    it('requires the CSRF token to revoke', async () => {
      const client = app.newClient();
      await app.register(client);
      const id = (await client.request('GET', '/api/account/sessions')).body.sessions[0].id as string;
      const response = await client.request('DELETE', `/api/account/sessions/${id}`, undefined, { csrf: false });
      assert.equal(response.status, 403);
      assert.equal((await client.request('GET', '/api/me')).status, 200);
    });
  });

  describe('POST /api/account/email', () => {
    it('changes the email once the new address confirms it', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const newEmail = newAccount().email;

      const requested = await client.request('POST', '/api/account/email', { email: newEmail, currentPassword: account.password });
      assert.equal(requested.status, 202);
      assert.equal(requested.body.pendingEmail, newEmail);
      assert.equal((await client.request('GET', '/api/me')).body.user.email, account.email);

      const notice = await app.mailTo(account.email, 'about to change');
      assert.ok(notice.text.includes(newEmail));
      const token = await app.tokenMailedTo(newEmail, 'Confirm your new email');
      assert.equal((await app.newClient().request('POST', '/api/auth/verify-email', { token })).status, 204);

      const me = (await client.request('GET', '/api/me')).body.user;
      assert.equal(me.email, newEmail);
      assert.equal(me.emailVerified, true);
      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: newEmail, password: account.password })).status, 200);
      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password })).status, 401);
    });

    it('voids a reset link mailed to the old address', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email });
      const resetToken = await app.tokenMailedTo(account.email, 'Reset your LearnPython password');
      const newEmail = newAccount().email;
      await client.request('POST', '/api/account/email', { email: newEmail, currentPassword: account.password });
      const token = await app.tokenMailedTo(newEmail, 'Confirm your new email');
      await app.newClient().request('POST', '/api/auth/verify-email', { token });

      const reset = await app.newClient().request('POST', '/api/auth/password-reset/confirm', { token: resetToken, password: NEW_PASSWORD });
      assert.equal(reset.status, 400);
      assert.equal(reset.body.error.code, 'invalid_token');
    });

    it('rejects a wrong password with 403', async () => {
      const client = app.newClient();
      await app.register(client);
      const response = await client.request('POST', '/api/account/email', { email: newAccount().email, currentPassword: 'wrong password entirely' });
      assert.equal(response.status, 403);
      assert.equal(response.body.error.code, 'wrong_password');
    });

    it('rejects an address another account has with 409', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const other = await app.register(app.newClient());
      const response = await client.request('POST', '/api/account/email', { email: other.email, currentPassword: account.password });
      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'email_taken');
    });

    it('rejects an address list as invalid input', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const response = await client.request('POST', '/api/account/email', { email: 'me@example.com,victim@example.org', currentPassword: account.password });
      assert.equal(response.status, 400);
      assert.ok(response.body.error.fields.email);
    });
  });

  describe('GET /api/account/export', () => {
    it('downloads the account data without hashes', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      await runSql(app, sql`INSERT INTO task_progress (user_id, lesson_id, task_id) VALUES (${account.id}, 'hello-world', 'greet')`);

      const response = await client.request('GET', '/api/account/export');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment;/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.body.profile.email, account.email);
      assert.equal(response.body.profile.username, account.username);
      assert.equal(response.body.sessions.length, 1);
      assert.deepEqual(response.body.progress.map((entry: { taskId: string }) => entry.taskId), ['greet']);
      assert.ok(response.body.auditEvents.some((event: { type: string }) => event.type === 'account_created'));

      const text = JSON.stringify(response.body);
      const [stored] = await runSql(app, sql`SELECT password_hash FROM users WHERE id = ${account.id}`);
      assert.equal(text.includes(String(stored!.password_hash)), false);
      assert.doesNotMatch(text, /\$argon2id\$/);
      assert.doesNotMatch(text, /passwordHash|password_hash|idHash|id_hash|tokenHash/);
      const sessionKeys = await runSql(app, sql`SELECT id_hash FROM sessions WHERE user_id = ${account.id}`);
      for (const key of sessionKeys) assert.equal(text.includes(String(key.id_hash)), false);
      const tokenKeys = await runSql(app, sql`SELECT token_hash FROM account_tokens WHERE user_id = ${account.id}`);
      for (const key of tokenKeys) assert.equal(text.includes(String(key.token_hash)), false);
    });

    it('requires sign-in', async () => {
      assert.equal((await app.newClient().request('GET', '/api/account/export')).status, 401);
    });
  });

  describe('POST /api/account/delete', () => {
    it('deletes the account so sign-in fails', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const other = app.newClient();
      await other.request('POST', '/api/auth/login', { email: account.email, password: account.password });

      const deleted = await client.request('POST', '/api/account/delete', { currentPassword: account.password });
      assert.equal(deleted.status, 204);

      assert.equal((await client.request('GET', '/api/me')).status, 401);
      assert.equal((await other.request('GET', '/api/me')).status, 401);
      const signIn = await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password });
      assert.equal(signIn.status, 401);
      assert.equal(signIn.body.error.code, 'invalid_credentials');
    });

    it('removes the rows that name the account', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      await client.request('POST', '/api/auth/logout');
      const signedIn = app.newClient();
      await signedIn.request('POST', '/api/auth/login', { email: account.email, password: account.password });
      // Five failures and one throttled attempt: the throttle event names the email, not the account id.
      const guesser = app.newClient();
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await guesser.request('POST', '/api/auth/login', { email: account.email, password: 'a wrong password here' });
      }
      assert.equal((await guesser.request('POST', '/api/auth/login', { email: account.email, password: 'a wrong password here' })).status, 429);
      const throttled = await runSql(app, sql`SELECT id FROM audit_events WHERE details::text LIKE ${`%${account.email}%`}`);
      assert.ok(throttled.length > 0);

      assert.equal((await signedIn.request('POST', '/api/account/delete', { currentPassword: account.password })).status, 204);

      assert.deepEqual(await runSql(app, sql`SELECT id FROM users WHERE id = ${account.id}`), []);
      assert.deepEqual(await runSql(app, sql`SELECT id_hash FROM sessions WHERE user_id = ${account.id}`), []);
      assert.deepEqual(await runSql(app, sql`SELECT token_hash FROM account_tokens WHERE user_id = ${account.id}`), []);
      assert.deepEqual(await runSql(app, sql`SELECT id FROM audit_events WHERE user_id = ${account.id}`), []);
      const mentions = await runSql(app, sql`SELECT id FROM audit_events WHERE details::text LIKE ${`%${account.email}%`}`);
      assert.deepEqual(mentions, []);
      const deletions = await runSql(app, sql`SELECT user_id, ip FROM audit_events WHERE type = 'account_deleted'`);
      assert.ok(deletions.length >= 1);
      assert.ok(deletions.every((row) => row.user_id === null && row.ip === null));
    });

    it('rejects a wrong password and keeps the account', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const response = await client.request('POST', '/api/account/delete', { currentPassword: 'definitely not it' });
      assert.equal(response.status, 403);
      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password })).status, 200);
    });
  });

  describe('account pages', () => {
    it('redirects a signed-out visitor to sign in', async () => {
      const response = await app.newClient().request('GET', '/account');
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), '/signin?next=%2Faccount');
    });

    it('shows the account and its sessions', async () => {
      const client = app.newClient();
      const account = await app.register(client);
      const page = await client.request('GET', '/account', undefined, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.ok(page.body.includes(account.email));
      assert.match(page.body, /data-revoke-session="[0-9a-f-]{36}"/);
      assert.match(page.body, /href="\/account"/);
      assert.match(page.body, /\/static\/build\/account\.js/);
    });

    it('serves the token pages without a referrer', async () => {
      for (const path of ['/verify-email', '/reset-password/confirm']) {
        const page = await app.newClient().request('GET', path);
        assert.equal(page.status, 200, path);
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer', path);
        assert.match(page.body, /\/static\/build\/recovery\.js/, path);
      }
    });
  });
});
