import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { parseMailConfig } from '../../src/config/mail-config.js';
import { createMailQueue } from '../../src/mail/mail-queue.js';
import { createMailer, type MailLog, type Mailer } from '../../src/mail/mailer.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';
import { startSmtpPeer, type SmtpPeer } from './smtp-peer.js';

/** Maximum wait for the outbox file, which is written after the response. */
const OUTBOX_WAIT_LIMIT_MS = 15_000;

function recordingLog(): MailLog & { entries: Array<{ level: string; details: object; message: string }> } {
  const entries: Array<{ level: string; details: object; message: string }> = [];
  return {
    entries,
    info: (details, message) => { entries.push({ level: 'info', details, message }); },
    warn: (details, message) => { entries.push({ level: 'warn', details, message }); },
    error: (details, message) => { entries.push({ level: 'error', details, message }); },
  };
}

async function waitForFiles(dir: string): Promise<string[]> {
  const deadline = Date.now() + OUTBOX_WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    if (names.length > 0) return names;
    await sleep(50);
  }
  throw new Error(`no file appeared in ${dir} within ${OUTBOX_WAIT_LIMIT_MS} ms`);
}

describe('parseMailConfig', () => {
  it('defaults to the outbox folder', () => {
    const config = parseMailConfig({});
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.outboxDir, path.resolve('outbox'));
    assert.match(config.from, /@/);
  });

  it('reads SMTP_URL, MAIL_FROM and OUTBOX_DIR', () => {
    const config = parseMailConfig({ SMTP_URL: 'smtps://user:secret@mail.example.com:465', MAIL_FROM: 'LearnPython <hi@example.com>', OUTBOX_DIR: '/tmp/mail' });
    assert.equal(config.smtpUrl, 'smtps://user:secret@mail.example.com:465');
    assert.equal(config.from, 'LearnPython <hi@example.com>');
    assert.equal(config.outboxDir, '/tmp/mail');
  });

  it('rejects a non-SMTP URL', () => {
    assert.throws(() => parseMailConfig({ SMTP_URL: 'http://mail.example.com' }), /SMTP_URL/);
  });

  it('rejects a From header with a line break', () => {
    assert.throws(() => parseMailConfig({ MAIL_FROM: 'a@example.com\r\nBcc: b@example.com' }), /MAIL_FROM/);
  });
});

describe('SMTP mailer', () => {
  let smtp: SmtpPeer;
  let mailer: Mailer;

  before(async () => {
    smtp = await startSmtpPeer();
    mailer = createMailer({ smtpUrl: smtp.url, from: 'LearnPython <no-reply@example.com>', outboxDir: '/nonexistent' }, { log: recordingLog(), logLinks: false });
  });
  after(async () => {
    mailer?.close();
    await smtp?.close();
  });

  it('delivers a message to the SMTP server', async () => {
    await mailer.send({ to: 'ada@example.com', subject: 'Hello Ada', text: 'A line of text.' });
    const mail = await smtp.waitForMail((candidate) => candidate.subject === 'Hello Ada');
    assert.deepEqual(mail.recipients, ['ada@example.com']);
    assert.match(mail.text, /A line of text\./);
  });

  it('sends one stored address to one mailbox', async () => {
    await mailer.send({ to: 'x,victim@example.org', subject: 'One recipient', text: 'Only one.' });
    const mail = await smtp.waitForMail((candidate) => candidate.subject === 'One recipient');
    assert.equal(mail.recipients.length, 1);
    assert.notEqual(mail.recipients[0], 'victim@example.org');
  });
});

describe('mail queue', () => {
  it('logs a failed delivery instead of throwing', async () => {
    const log = recordingLog();
    const failing: Mailer = { send: async () => { throw new Error('connection refused'); }, close: () => undefined };
    const queue = createMailQueue(failing, log);

    queue.enqueue({ to: 'ada@example.com', subject: 'Lost', text: 'x' });
    await queue.drain();
    assert.equal(log.entries.length, 1);
    assert.equal(log.entries[0]!.level, 'error');
    assert.equal(log.entries[0]!.message, 'mail delivery failed');
  });
});

describe('outbox mode', () => {
  let outboxDir: string;
  let web: RunningWebApp;

  before(async () => {
    outboxDir = await fs.mkdtemp(path.join(tmpdir(), 'learnpython-outbox-'));
    web = await startWebApp({ env: { OUTBOX_DIR: outboxDir, PUBLIC_URL: 'http://learn.example.com' } });
  });
  after(async () => {
    await web?.close();
    await fs.rm(outboxDir, { recursive: true, force: true });
  });

  it('writes the verification mail with its link to a file', async () => {
    const client = new TestClient(web.baseUrl);
    const account = newAccount();
    assert.equal((await client.request('POST', '/api/auth/register', account)).status, 201);

    const [name] = await waitForFiles(outboxDir);
    const file = path.join(outboxDir, name!);
    const text = await fs.readFile(file, 'utf8');
    assert.match(text, new RegExp(`^To: ${account.email.replace(/[.+]/g, '\\$&')}$`, 'm'));
    assert.match(text, /^Subject: Confirm your email address/m);
    const token = /http:\/\/learn\.example\.com\/verify-email#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    assert.ok(token, text);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);

    assert.equal((await client.request('POST', '/api/auth/verify-email', { token })).status, 204);
    assert.equal((await client.request('GET', '/api/me')).body.user.emailVerified, true);
  });

  it('logs the file and its links outside production', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'learnpython-outbox-log-'));
    try {
      const log = recordingLog();
      const mailer = createMailer({ smtpUrl: undefined, from: 'LearnPython <no-reply@example.com>', outboxDir: dir }, { log, logLinks: true });
      await mailer.send({ to: 'ada@example.com', subject: 'Link inside', text: 'Open http://learn.example.com/verify-email#token=abc now.' });

      const entry = log.entries[0]!;
      const details = entry.details as { file: string; links: string[] };
      assert.equal(entry.message, 'mail written to the outbox');
      assert.deepEqual(details.links, ['http://learn.example.com/verify-email#token=abc']);
      assert.equal(path.dirname(details.file), dir);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps links out of the log in production', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'learnpython-outbox-log-'));
    try {
      const log = recordingLog();
      const mailer = createMailer({ smtpUrl: undefined, from: 'LearnPython <no-reply@example.com>', outboxDir: dir }, { log, logLinks: false });
      await mailer.send({ to: 'ada@example.com', subject: 'Link inside', text: 'Open http://learn.example.com/verify-email#token=abc now.' });
      assert.equal(JSON.stringify(log.entries).includes('token=abc'), false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
