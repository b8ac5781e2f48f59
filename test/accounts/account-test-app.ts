import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp, type WebAppOptions } from '../helpers/web-app.js';
import { startSmtpPeer, tokenFromMail, type ReceivedMail, type SmtpPeer } from '../mail/smtp-peer.js';

/** The web app wired to a local SMTP peer, with helpers for account tests. */
export interface AccountTestApp {
  web: RunningWebApp;
  smtp: SmtpPeer;
  /**
   * A browser-like client with its own client address. The app trusts X-Forwarded-For
   * from 127.0.0.1 here, so each client's per-IP limits and delays are its own.
   */
  newClient(): TestClient;
  /** Registers a new account with `client`, which is then signed in. */
  register(client: TestClient): Promise<{ email: string; username: string; password: string; id: string }>;
  /** Waits for the next message to `email` whose subject contains `subjectPart`. */
  mailTo(email: string, subjectPart: string): Promise<ReceivedMail>;
  /** Waits for that message and returns its token. */
  tokenMailedTo(email: string, subjectPart: string): Promise<string>;
  close(): Promise<void>;
}

let clientCounter = 0;
const RUN_TAG = [0, 1].map(() => Math.floor(Math.random() * 0x10000).toString(16)).join(':');

/** Starts an SMTP peer and the web app configured to send through it. */
export async function startAccountTestApp(options: WebAppOptions = {}): Promise<AccountTestApp> {
  const smtp = await startSmtpPeer();
  let web: RunningWebApp;
  try {
    web = await startWebApp({
      ...options,
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'LearnPython <no-reply@learn.example.com>',
        PUBLIC_URL: 'http://learn.example.com',
        TRUST_PROXY: '127.0.0.1',
        AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000',
        ...options.env,
      },
    });
  } catch (error) {
    await smtp.close();
    throw error;
  }

  // Mails already matched by an earlier wait are skipped, so "the next message" is a new one.
  const seen = new Set<ReceivedMail>();
  const mailTo = async (email: string, subjectPart: string): Promise<ReceivedMail> => {
    const mail = await smtp.waitForMail((candidate) => !seen.has(candidate) && candidate.recipients.includes(email) && candidate.subject.includes(subjectPart));
    seen.add(mail);
    return mail;
  };

  return {
    web,
    smtp,
    newClient() {
      clientCounter += 1;
      // A documentation address (2001:db8::/32), random per run because Redis keeps counters between runs.
      const address = `2001:db8:${RUN_TAG}::${clientCounter.toString(16)}`;
      return new TestClient(web.baseUrl, { 'x-forwarded-for': address });
    },
    async register(client) {
      const account = newAccount();
      const response = await client.request('POST', '/api/auth/register', account);
      if (response.status !== 201) throw new Error(`registration failed with ${response.status}: ${JSON.stringify(response.body)}`);
      return { ...account, id: response.body.user.id as string };
    },
    mailTo,
    async tokenMailedTo(email, subjectPart) {
      return tokenFromMail(await mailTo(email, subjectPart));
    },
    async close() {
      await web.close();
      await smtp.close();
    },
  };
}
