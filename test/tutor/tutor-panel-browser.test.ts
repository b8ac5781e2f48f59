import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumMissing = !fs.existsSync(CHROMIUM_PATH);
if (chromiumMissing && process.env.REQUIRE_SERVICES === '1') throw new Error(`Chromium is required but missing at ${CHROMIUM_PATH}`);
// Flags for headless Chromium as root on a machine without outside network access.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The app's own policy, so the panel is tested under the CSP the lesson page sends. */
const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";
const HARNESS_PATH = '/test-tutor-harness';
const LESSON_ID = 'printing';

const HOSTILE_ANSWER = [
  'Look at **line 2**: `nmae` is not defined.',
  '',
  '<script>window.pwned = true</script> <img src=x onerror="window.pwned = true">',
  '[click me](javascript:window.pwned=true) and [the docs](https://docs.python.org/3/)',
  '',
  '```python',
  'name = "Ada"',
  'print(name)  # fixed',
  '```',
];

/** Bundles the harness entry, which mounts the panel, into one browser script. */
async function bundleHarness(): Promise<string> {
  const result = await build({
    entryPoints: [path.resolve('test/tutor/browser/harness.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

function harnessHtml(csrfToken: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="csrf-token" content="${csrfToken}">
<link rel="stylesheet" href="/static/css/site.css"><link rel="stylesheet" href="/static/css/tutor.css">
<script type="module" src="${HARNESS_PATH}.js"></script></head>
<body><div id="tutor" data-lesson-id="${LESSON_ID}"></div></body></html>`;
}

/** Opens the harness on the app's origin, signed in as a new account, and collects script errors and CSP reports. */
async function openSignedInPanel(browser: Browser, web: RunningWebApp, script: string, problems: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const client = new TestClient(web.baseUrl);
  assert.equal((await client.request('POST', '/api/auth/register', newAccount())).status, 201);
  const csrfToken = await client.fetchCsrfToken();

  const context = await browser.newContext();
  await context.addCookies(['lp_session', 'lp_csrf'].map((name) => ({ name, value: client.cookie(name)!, url: web.baseUrl })));
  // The harness is served on the app's origin, so the panel's requests carry the session cookie as on the real page.
  await context.route(`${web.baseUrl}${HARNESS_PATH}`, (route) => route.fulfill({ status: 200, contentType: 'text/html', headers: { 'content-security-policy': PAGE_CSP }, body: harnessHtml(csrfToken) }));
  await context.route(`${web.baseUrl}${HARNESS_PATH}.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: script }));

  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${web.baseUrl}${HARNESS_PATH}`);
  return { context, page };
}

async function ask(page: Page, question: string): Promise<void> {
  await page.fill('.tutor-input', question);
  await page.click('.tutor-form button[type=submit]');
}

describe('tutor panel in a real browser', { skip: chromiumMissing ? `Chromium not found at ${CHROMIUM_PATH}` : false }, () => {
  let fake: FakeOpenAi;
  let web: RunningWebApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let script: string;
  const problems: string[] = [];

  before(async () => {
    script = await bundleHarness();
    fake = await startFakeOpenAi();
    web = await startWebApp({ env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: fake.baseUrl, AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000' } });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    ({ context, page } = await openSignedInPanel(browser, web, script, problems));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await web?.close();
    await fake?.close();
  });

  it('shows the questions left today', async () => {
    await page.locator('.tutor-remaining', { hasText: 'questions left today' }).waitFor();

    const quota = await page.evaluate(async () => (await fetch('/api/tutor/quota')).json());
    assert.equal(await page.locator('.tutor-remaining').textContent(), `${quota.remaining} questions left today`);
  });

  it('streams an answer and renders only allowed Markdown', async () => {
    fake.mode = 'answer';
    fake.replyPieces = HOSTILE_ANSWER.map((line) => `${line}\n`);
    await ask(page, 'Why does line 2 fail?');
    await page.locator('.tutor-message-assistant .tutor-code').waitFor();
    await page.locator('.tutor-form button[type=submit]:not([disabled])').waitFor();

    const answer = page.locator('.tutor-message-assistant .tutor-message-text');
    assert.equal(await answer.locator('strong').textContent(), 'line 2');
    assert.equal(await answer.locator('script, img, iframe').count(), 0);
    assert.match((await answer.textContent()) ?? '', /<script>window\.pwned = true<\/script>/);
    assert.equal(await answer.locator('a').count(), 1);
    assert.equal(await answer.locator('a').getAttribute('href'), 'https://docs.python.org/3/');
    assert.equal(await answer.locator('a').getAttribute('rel'), 'noopener noreferrer nofollow');
    assert.equal(await answer.locator('.tok-keyword, .tok-builtin').first().textContent(), 'print');
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned), undefined);
    assert.ok(fake.lastPrompt().includes('2 | print(nmae)'));
    assert.ok(fake.lastPrompt().includes("NameError: name 'nmae' is not defined"));
  });

  it('inserts a code block with Use this code', async () => {
    await page.click('.tutor-message-assistant .tutor-use-code');

    assert.deepEqual(await page.evaluate(() => window.insertedCode), ['name = "Ada"\nprint(name)  # fixed']);
  });

  it('keeps the conversation after a reload', async () => {
    await page.reload();
    await page.locator('.tutor-message').nth(1).waitFor();

    assert.equal(await page.locator('.tutor-message-user').textContent(), 'You:Why does line 2 fail?');
    assert.equal(await page.locator('.tutor-message-assistant .tutor-code').count(), 1);
  });

  it('stops a streaming answer and aborts the upstream request', async () => {
    fake.mode = 'endless';
    const upstreamClosed = fake.nextClientDisconnect();
    await ask(page, 'Count for me');
    await page.locator('.tutor-message-assistant', { hasText: 'Counting' }).waitFor();

    await page.click('text=Stop');
    await upstreamClosed;
    await page.locator('.tutor-status', { hasText: 'Stopped' }).waitFor();
    assert.equal(await page.locator('.tutor-form button[type=submit]').isDisabled(), false);
  });

  it('clears the conversation', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('text=Clear conversation');
    await page.locator('.tutor-message').first().waitFor({ state: 'detached' });

    const stored = await page.evaluate(async (lessonId) => (await fetch(`/api/tutor/conversation?lessonId=${lessonId}`)).json(), LESSON_ID);
    assert.deepEqual(stored.messages, []);
  });

  it('returns a question that failed upstream to the input', async () => {
    fake.mode = 'status-401';
    await ask(page, 'Will this fail?');
    await page.locator('.tutor-error:not([hidden])').waitFor();

    assert.equal(await page.locator('.tutor-error').textContent(), 'The tutor is not reachable right now; try again in a minute.');
    assert.equal(await page.inputValue('.tutor-input'), 'Will this fail?');
    assert.equal(await page.locator('.tutor-message').count(), 0);
  });

  it('hides and shows the panel', async () => {
    await page.click('.tutor-toggle');
    assert.equal(await page.locator('.tutor-body').isHidden(), true);
    assert.equal(await page.locator('.tutor-toggle').getAttribute('aria-expanded'), 'false');

    await page.click('.tutor-toggle');
    assert.equal(await page.locator('.tutor-body').isVisible(), true);
  });

  it('reports no script errors or CSP violations', () => {
    // The upstream-failure test earns one 503, which Chromium logs as a failed resource load.
    assert.deepEqual(problems.filter((problem) => !/status of 503/.test(problem)), []);
  });
});

describe('tutor panel without an API key', { skip: chromiumMissing ? `Chromium not found at ${CHROMIUM_PATH}` : false }, () => {
  it('says the tutor is not configured', async (t) => {
    const web = await startWebApp({ env: { AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000' } });
    t.after(() => web.close());
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    t.after(() => browser.close());

    const { page } = await openSignedInPanel(browser, web, await bundleHarness(), []);
    await page.locator('.tutor-error:not([hidden])').waitFor();
    assert.equal(await page.locator('.tutor-error').textContent(), 'The tutor is not configured on this server.');
    assert.equal(await page.locator('.tutor-form button[type=submit]').isDisabled(), true);
  });
});
