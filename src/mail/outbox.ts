import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { MailMessage } from './mailer.js';

/**
 * Writes a message as a text file in `outboxDir` and returns the file's path.
 * The files hold live links, so the folder and files are readable by the owner only.
 */
export async function writeToOutbox(outboxDir: string, from: string, message: MailMessage): Promise<string> {
  await fs.mkdir(outboxDir, { recursive: true, mode: 0o700 });

  const sentAt = new Date();
  const name = `${sentAt.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.txt`;
  const file = path.join(outboxDir, name);
  const headers = [`From: ${from}`, `To: ${message.to}`, `Subject: ${message.subject}`, `Date: ${sentAt.toUTCString()}`];

  await fs.writeFile(file, `${headers.join('\n')}\n\n${message.text}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}
