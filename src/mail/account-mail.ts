import type { MailQueue } from './mail-queue.js';

/** Validity shown in the mails; the token module enforces the same values. */
export const VERIFICATION_LINK_HOURS = 24;
export const RESET_LINK_MINUTES = 15;

/** The account messages the app sends; each call returns at once and sends in the background. */
export interface AccountMail {
  sendEmailVerification(to: { email: string; username: string }, token: string): void;
  sendEmailChangeConfirmation(to: { email: string; username: string }, token: string): void;
  sendEmailChangeNotice(to: { email: string; username: string }, newEmail: string): void;
  sendPasswordReset(to: { email: string; username: string }, token: string): void;
  sendPasswordChangedNotice(to: { email: string; username: string }): void;
  sendAccountDeletedNotice(to: { email: string; username: string }): void;
}

/**
 * Builds the account messages with links under `publicUrl`.
 * Tokens travel in the URL fragment (`#token=`), which browsers never send to a
 * server: the token stays out of access logs, proxies and Referer headers, and the
 * page's script posts it to the API.
 */
export function createAccountMail(queue: MailQueue, publicUrl: URL): AccountMail {
  const pageUrl = (pagePath: string): string => new URL(pagePath, publicUrl).toString();
  const tokenUrl = (pagePath: string, token: string): string => `${pageUrl(pagePath)}#token=${encodeURIComponent(token)}`;

  return {
    sendEmailVerification(to, token) {
      queue.enqueue({
        to: to.email,
        subject: 'Confirm your email address for LearnPython',
        text: [
          `Hello ${to.username},`,
          'Confirm that this is your email address by opening this link:',
          tokenUrl('/verify-email', token),
          `The link works once and expires in ${VERIFICATION_LINK_HOURS} hours. If you did not create a LearnPython account, ignore this message.`,
        ].join('\n\n'),
      });
    },

    sendEmailChangeConfirmation(to, token) {
      queue.enqueue({
        to: to.email,
        subject: 'Confirm your new email address for LearnPython',
        text: [
          `Hello ${to.username},`,
          'You asked to use this address for your LearnPython account. Confirm it by opening this link:',
          tokenUrl('/verify-email', token),
          `The link works once and expires in ${VERIFICATION_LINK_HOURS} hours. Until you open it, your account keeps its current address.`,
        ].join('\n\n'),
      });
    },

    sendEmailChangeNotice(to, newEmail) {
      queue.enqueue({
        to: to.email,
        subject: 'Your LearnPython email address is about to change',
        text: [
          `Hello ${to.username},`,
          `Someone signed in to your LearnPython account asked to change its email address to ${newEmail}. The change happens only when the link sent to that address is opened.`,
          `If this was not you, reset your password now, which also cancels the change: ${pageUrl('/reset-password')}`,
        ].join('\n\n'),
      });
    },

    sendPasswordReset(to, token) {
      queue.enqueue({
        to: to.email,
        subject: 'Reset your LearnPython password',
        text: [
          `Hello ${to.username},`,
          'Someone asked to reset the password of your LearnPython account. To choose a new password, open this link:',
          tokenUrl('/reset-password/confirm', token),
          `The link works once and expires in ${RESET_LINK_MINUTES} minutes. If you did not ask for this, ignore this message: your password stays as it is.`,
        ].join('\n\n'),
      });
    },

    sendPasswordChangedNotice(to) {
      queue.enqueue({
        to: to.email,
        subject: 'Your LearnPython password was changed',
        text: [
          `Hello ${to.username},`,
          'The password of your LearnPython account was just changed, and every other device was signed out.',
          `If this was not you, reset your password now: ${pageUrl('/reset-password')}`,
        ].join('\n\n'),
      });
    },

    sendAccountDeletedNotice(to) {
      queue.enqueue({
        to: to.email,
        subject: 'Your LearnPython account was deleted',
        text: [
          `Hello ${to.username},`,
          'Your LearnPython account and its personal data were deleted, as you asked. This is the last message we send to this address.',
        ].join('\n\n'),
      });
    },
  };
}
