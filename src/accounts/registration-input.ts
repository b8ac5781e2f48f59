import { judgePassword } from './password-policy.js';

/** Usernames appear on pages and in URLs, so they are kept to a plain, unambiguous alphabet. */
const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,30}$/;
/**
 * A pragmatic address check: one @, no spaces, a dot in the domain. The verification mail is the real test.
 * Commas, semicolons, colons, angle and square brackets, quotes, parentheses and backslashes are rejected: mail software
 * reads them as address-list syntax, and one stored address must never reach a second mailbox.
 */
const EMAIL_PATTERN = /^[^\s@,;<>()"\\[\]:]+@[^\s@,;<>()"\\[\]:]+\.[^\s@,;<>()"\\[\]:]+$/;
export const MAX_EMAIL_CHARS = 254;

/** Checks the form of an email address, already trimmed. */
export function isValidEmailAddress(email: string): boolean {
  return email.length <= MAX_EMAIL_CHARS && EMAIL_PATTERN.test(email);
}

export interface RegistrationInput {
  email: string;
  username: string;
  password: string;
}

/** Checks a sign-up form; returns one message per invalid field, empty when all are valid. */
export function validateRegistration(input: RegistrationInput): Record<string, string> {
  const fields: Record<string, string> = {};
  const email = input.email.trim();

  if (!isValidEmailAddress(email)) fields.email = 'Enter a valid email address, such as ada@example.com.';
  if (!USERNAME_PATTERN.test(input.username)) fields.username = 'Use 3 to 30 letters, digits, underscores or hyphens.';

  const verdict = judgePassword(input.password, { email, username: input.username });
  if (!verdict.ok) fields.password = verdict.problem ?? 'Choose a stronger password.';
  return fields;
}
