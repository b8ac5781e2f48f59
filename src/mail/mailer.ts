import nodemailer from 'nodemailer';
import type { MailConfig } from '../config/mail-config.js';
import { writeToOutbox } from './outbox.js';

/** One plain-text message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** The part of a pino logger the mail code writes to. */
export interface MailLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Delivers messages through SMTP or into the outbox folder. */
export interface Mailer {
  /** Delivers one message; rejects when delivery fails. */
  send(message: MailMessage): Promise<void>;
  /** Closes the SMTP connections, if any. */
  close(): void;
}

/** How long nodemailer waits to connect to the SMTP server, and for each later reply, before the message fails. */
const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 30_000;

/**
 * Creates a mailer that sends through `config.smtpUrl`, or, without one, writes
 * each message to `config.outboxDir` and logs it. `logLinks` adds the message's
 * links to that log line, so a local user can open them. Keep it off in production,
 * because the links carry live tokens.
 */
export function createMailer(config: Readonly<MailConfig>, options: { log: MailLog; logLinks: boolean }): Mailer {
  if (config.smtpUrl) return createSmtpMailer(config.smtpUrl, config.from);
  return createOutboxMailer(config, options);
}

function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
  });

  return {
    async send(message) {
      // An address object is never split on commas, so one stored address reaches one mailbox.
      await transport.sendMail({ from, to: { name: '', address: message.to }, subject: message.subject, text: message.text });
    },
    close() {
      transport.close();
    },
  };
}

function createOutboxMailer(config: Readonly<MailConfig>, options: { log: MailLog; logLinks: boolean }): Mailer {
  return {
    async send(message) {
      const file = await writeToOutbox(config.outboxDir, config.from, message);
      const links = options.logLinks ? message.text.match(/https?:\/\/\S+/g) ?? [] : undefined;
      options.log.info({ file, to: message.to, subject: message.subject, links }, 'mail written to the outbox');
    },
    close() {},
  };
}
