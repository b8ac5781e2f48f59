import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { MailConfig } from '../config/mail-config.js';
import { createAccountMail, type AccountMail } from './account-mail.js';
import { createMailQueue } from './mail-queue.js';
import { createMailer } from './mailer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Sends the account messages (verification, password reset, notices) in the background. */
    accountMail: AccountMail;
  }
}

export interface MailPluginOptions {
  mail: Readonly<MailConfig>;
  publicUrl: URL;
  production: boolean;
}

/** Adds `app.accountMail`; on close it waits for messages in flight, then closes the SMTP connections. */
export const mailPlugin = fp(async (app: FastifyInstance, options: MailPluginOptions) => {
  const mailer = createMailer(options.mail, { log: app.log, logLinks: !options.production });
  if (!options.mail.smtpUrl) {
    const level = options.production ? 'warn' : 'info';
    app.log[level]({ outboxDir: options.mail.outboxDir }, 'SMTP_URL is not set: mail is written to the outbox folder instead of being sent');
  }

  const queue = createMailQueue(mailer, app.log);
  app.decorate('accountMail', createAccountMail(queue, options.publicUrl));
  app.addHook('onClose', async () => {
    try {
      await queue.drain();
    } finally {
      mailer.close();
    }
  });
}, { name: 'mail' });
