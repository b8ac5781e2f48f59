import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildClient } from '../../scripts/build-client.js';
import { startAccountTestApp, type AccountTestApp } from '../accounts/account-test-app.js';
import { linkFromMail } from '../mail/smtp-peer.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumMissing = !fs.existsSync(CHROMIUM_PATH);
if (chromiumMissing && process.env.REQUIRE_SERVICES === '1') throw new Error(`Chromium is required but missing at ${CHROMIUM_PATH}`);

// Flags for headless Chromium as root on a machine without outside network access.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const NEW_PASSWORD = 'amber owls count the quiet stars';

describe('account pages in a real browser', { skip: chromiumMissing ? `Chromium not found at ${CHROMIUM_PATH}` : false }, () => {
  let app: AccountTestApp;
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    await buildClient();
    app = await startAccountTestApp();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Opens a page in a fresh browser profile and collects its script errors and CSP violations. */
  async function openPage(t: { after(fn: () => Promise<void>): void }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    t.after(() => context.close());
    const page = await context.newPage();
    // Chromium logs every 4xx response as "Failed to load resource". The forms expect some, so only other errors count.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { context, page };
  }

  /** Moves a mailed link to the test server, keeping its path and token fragment. */
  function onTestServer(link: URL): string {
    return new URL(`${link.pathname}${link.hash}`, app.web.baseUrl).toString();
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${app.web.baseUrl}/signin?next=%2Faccount`);
    await page.fill('#signin-email', email);
    await page.fill('#signin-password', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${app.web.baseUrl}/account`);
  }

  it('confirms the email from the mailed link', async (t) => {
    const account = await app.register(app.newClient());
    const link = linkFromMail(await app.mailTo(account.email, 'Confirm your email'));
    const { page } = await openPage(t);

    await page.goto(onTestServer(link));
    await page.locator('[data-outcome="verified"]:not([hidden])').waitFor();
    assert.equal(new URL(page.url()).hash, '');

    await signIn(page, account.email, account.password);
    assert.match((await page.locator('#email-heading + p').textContent()) ?? '', /confirmed/);
  });

  it('resets the password through both forms', async (t) => {
    const account = await app.register(app.newClient());
    const { page } = await openPage(t);

    await page.goto(`${app.web.baseUrl}/reset-password`);
    await page.fill('#reset-email', account.email);
    await page.click('button[type=submit]');
    await page.locator('[data-form-status]:not([hidden])').waitFor();

    const link = linkFromMail(await app.mailTo(account.email, 'Reset your LearnPython password'));
    await page.goto(onTestServer(link));
    await page.fill('#new-password', 'password123');
    await page.click('button[type=submit]');
    await page.locator('[data-field-error="password"]:not([hidden])').waitFor();

    await page.fill('#new-password', NEW_PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('[data-outcome="reset"]:not([hidden])').waitFor();
    await signIn(page, account.email, NEW_PASSWORD);
  });

  it('changes the password and signs out another device', async (t) => {
    const other = app.newClient();
    const account = await app.register(other);
    const { page } = await openPage(t);
    await signIn(page, account.email, account.password);
    assert.equal(await page.locator('[data-session-row]').count(), 2);

    await page.fill('#current-password', 'not the current one');
    await page.fill('#changed-password', NEW_PASSWORD);
    await page.click('form[data-endpoint="/api/account/password"] button[type=submit]');
    await page.locator('[data-field-error="currentPassword"]:not([hidden])').first().waitFor();

    await page.fill('#current-password', account.password);
    await page.click('form[data-endpoint="/api/account/password"] button[type=submit]');
    await page.locator('form[data-endpoint="/api/account/password"] [data-form-status]:not([hidden])').waitFor();
    assert.equal((await other.request('GET', '/api/me')).status, 401);

    await page.reload();
    assert.equal(await page.locator('[data-session-row]').count(), 1);
  });

  it('signs out another session from the list', async (t) => {
    const other = app.newClient();
    const account = await app.register(other);
    const { page } = await openPage(t);
    await signIn(page, account.email, account.password);

    await page.click('[data-revoke-session][data-current="false"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-session-row]').length === 1);
    assert.equal((await other.request('GET', '/api/me')).status, 401);
  });

  it('deletes the account', async (t) => {
    const account = await app.register(app.newClient());
    const { page } = await openPage(t);
    await signIn(page, account.email, account.password);

    await page.fill('#delete-password', account.password);
    await page.check('form[data-endpoint="/api/account/delete"] input[type=checkbox]');
    await page.click('form[data-endpoint="/api/account/delete"] button[type=submit]');
    await page.waitForURL(`${app.web.baseUrl}/`);

    const signIn2 = await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password });
    assert.equal(signIn2.status, 401);
  });

  it('reports no script errors or CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
