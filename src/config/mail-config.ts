import path from 'node:path';
import { ConfigError, type Env, readString, readUrl } from './env-parsers.js';

/** Mail delivery settings of the web app. */
export interface MailConfig {
  /** SMTP server as `smtp://user:pass@host:587` or `smtps://...`; when unset, mail goes to `outboxDir`. */
  smtpUrl: string | undefined;
  /** The From header of every message, such as `LearnPython <no-reply@learn.example.com>`. */
  from: string;
  /** Folder that receives one text file per message when no SMTP server is configured. */
  outboxDir: string;
}

const DEFAULT_FROM = 'LearnPython <no-reply@localhost>';

/** Parses SMTP_URL, MAIL_FROM and OUTBOX_DIR; throws ConfigError naming the variable to fix. */
export function parseMailConfig(env: Env): MailConfig {
  const from = readString(env, 'MAIL_FROM') ?? DEFAULT_FROM;
  // A line break in a header value would let the value add headers of its own.
  if (/[\r\n]/.test(from) || !/@/.test(from)) {
    throw new ConfigError('MAIL_FROM must be one address on one line, such as "LearnPython <no-reply@learn.example.com>".');
  }

  return {
    smtpUrl: readUrl(env, 'SMTP_URL', ['smtp:', 'smtps:'])?.toString(),
    from,
    outboxDir: path.resolve(readString(env, 'OUTBOX_DIR') ?? 'outbox'),
  };
}
