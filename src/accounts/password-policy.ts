import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommonPackage from '@zxcvbn-ts/language-common';
import * as zxcvbnEnPackage from '@zxcvbn-ts/language-en';

/** NIST SP 800-63B: at least 8 characters, allow long passphrases, no composition rules. */
export const MIN_PASSWORD_CHARS = 8;
export const MAX_PASSWORD_CHARS = 256;
/** zxcvbn score from 0 (guessable in seconds) to 4; 3 resists offline guessing for a long time. */
const MIN_STRENGTH_SCORE = 3;

const strengthChecker = new ZxcvbnFactory({
  dictionary: { ...zxcvbnCommonPackage.dictionary, ...zxcvbnEnPackage.dictionary },
  translations: zxcvbnEnPackage.translations,
  graphs: zxcvbnCommonPackage.adjacencyGraphs,
});

export interface PasswordVerdict {
  ok: boolean;
  /** A sentence for the form when not ok. */
  problem?: string;
}

/** Judges a new password: length bounds, not built from the email or username, and a zxcvbn strength check. */
export function judgePassword(password: string, context: { email: string; username: string }): PasswordVerdict {
  if (password.length < MIN_PASSWORD_CHARS) return { ok: false, problem: `Use at least ${MIN_PASSWORD_CHARS} characters.` };
  if (password.length > MAX_PASSWORD_CHARS) return { ok: false, problem: `Use at most ${MAX_PASSWORD_CHARS} characters.` };

  const lower = password.toLowerCase();
  const emailLocalPart = context.email.toLowerCase().split('@')[0] ?? '';
  if (emailLocalPart.length >= 3 && lower.includes(emailLocalPart)) return { ok: false, problem: 'The password must not contain the part of your email address before the @.' };
  if (context.username.length >= 3 && lower.includes(context.username.toLowerCase())) return { ok: false, problem: 'The password must not contain your username.' };

  // zxcvbn is slow on very long inputs; its first 100 characters are enough to judge strength.
  const result = strengthChecker.check(password.slice(0, 100), [context.email, context.username, 'learnpython', 'python']);
  if (result.score >= MIN_STRENGTH_SCORE) return { ok: true };

  const feedback = [result.feedback.warning, ...result.feedback.suggestions].filter((text): text is string => Boolean(text));
  return { ok: false, problem: ['This password is too easy to guess.', ...feedback].join(' ') };
}
