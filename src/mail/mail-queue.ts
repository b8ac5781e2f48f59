import type { MailLog, MailMessage, Mailer } from './mailer.js';

/** Messages sent at once at most; past it a message is dropped and logged, so a slow SMTP server cannot grow memory without bound. */
const MAX_MESSAGES_IN_FLIGHT = 200;

/** Sends mail without making the request wait for it. */
export interface MailQueue {
  /** Starts sending `message`; a failure is logged, never thrown to the caller. */
  enqueue(message: MailMessage): void;
  /** Resolves once every message in flight is sent or has failed. */
  drain(): Promise<void>;
}

/**
 * Creates a queue over `mailer`. Requests that send mail respond before the SMTP
 * exchange, so the response time does not show whether a message was sent: the
 * password-reset route depends on this to hide which emails have accounts.
 */
export function createMailQueue(mailer: Mailer, log: MailLog): MailQueue {
  const inFlight = new Set<Promise<void>>();

  return {
    enqueue(message) {
      if (inFlight.size >= MAX_MESSAGES_IN_FLIGHT) {
        log.error({ subject: message.subject, inFlight: inFlight.size }, 'mail dropped: too many messages in flight');
        return;
      }
      const sending = mailer.send(message)
        .catch((error: unknown) => { log.error({ err: error, subject: message.subject }, 'mail delivery failed'); })
        .finally(() => { inFlight.delete(sending); });
      inFlight.add(sending);
    },
    async drain() {
      await Promise.all([...inFlight]);
    },
  };
}
