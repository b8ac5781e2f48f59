import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { findLiveAccountToken, issueAccountToken, issueDummyAccountToken } from '../../../accounts/account-tokens.js';
import { confirmEmailToken } from '../../../accounts/email-confirmation.js';
import { resetPasswordWithToken } from '../../../accounts/password-changes.js';
import { judgePassword, MAX_PASSWORD_CHARS } from '../../../accounts/password-policy.js';
import { hashPassword } from '../../../accounts/passwords.js';
import { isValidEmailAddress, MAX_EMAIL_CHARS } from '../../../accounts/registration-input.js';
import { findUserByEmail, findUserById, normaliseEmail } from '../../../accounts/users.js';
import { recordAuditEvent } from '../../../audit/audit-log.js';
import type { Db } from '../../../db/client.js';
import { errors } from '../../errors.js';
import type { RateLimits } from '../../guards/rate-limits.js';
import type { RateLimitRules } from '../limits.js';

/** Mailed tokens are 43 characters; the margin lets a mangled link fail as invalid_token rather than as invalid input. */
const MAX_TOKEN_INPUT_CHARS = 200;

const TokenBody = Type.Object({ token: Type.String({ maxLength: MAX_TOKEN_INPUT_CHARS }) });
const ResetRequestBody = Type.Object({ email: Type.String({ maxLength: MAX_EMAIL_CHARS + 10 }) });
const ResetConfirmBody = Type.Object({
  token: Type.String({ maxLength: MAX_TOKEN_INPUT_CHARS }),
  password: Type.String({ maxLength: MAX_PASSWORD_CHARS * 4 }),
});

const TOKEN_BODY_LIMIT_BYTES = 1024;
const RESET_BODY_LIMIT_BYTES = 4 * 1024;

export interface AccountRecoveryRouteOptions {
  db: Db;
  rateLimits: RateLimits;
  rules: RateLimitRules;
}

/** Email verification and password reset, both driven by single-use mailed tokens. */
export async function accountRecoveryRoutes(app: FastifyInstance, options: AccountRecoveryRouteOptions): Promise<void> {
  const { db, rules } = options;

  app.post<{ Body: Static<typeof TokenBody> }>('/api/auth/verify-email', {
    schema: { body: TokenBody },
    bodyLimit: TOKEN_BODY_LIMIT_BYTES,
    config: { security: { access: 'public', csrf: 'token', rateLimits: { perIp: rules.accountTokenPerIp } } },
  }, async (request, reply) => {
    const outcome = await confirmEmailToken(db, request.body.token);
    if (!outcome.ok) throw outcome.reason === 'email_taken' ? errors.emailTaken() : errors.invalidToken();

    await recordAuditEvent(db, { type: 'email_verified', userId: outcome.userId, ip: request.ip });
    if (outcome.changedEmail) await recordAuditEvent(db, { type: 'email_changed', userId: outcome.userId, ip: request.ip });
    return reply.code(204).send();
  });

  app.post('/api/auth/resend-verification', {
    bodyLimit: TOKEN_BODY_LIMIT_BYTES,
    config: { security: { access: 'signed-in', csrf: 'token', rateLimits: { perIp: rules.apiPerIp, perUser: rules.verificationMailPerUser } } },
  }, async (request, reply) => {
    const user = request.user;
    if (!user) throw errors.unauthenticated();
    // Nothing to confirm. The response stays 202, so a second click in another tab is not an error.
    if (user.emailVerified) return reply.code(202).send();

    const token = await issueAccountToken(db, { userId: user.id, purpose: 'verify_email', email: user.email });
    app.accountMail.sendEmailVerification(user, token);
    await recordAuditEvent(db, { type: 'email_verification_sent', userId: user.id, ip: request.ip });
    return reply.code(202).send();
  });

  app.post<{ Body: Static<typeof ResetRequestBody> }>('/api/auth/password-reset', {
    schema: { body: ResetRequestBody },
    bodyLimit: TOKEN_BODY_LIMIT_BYTES,
    config: { security: { access: 'public', csrf: 'token', rateLimits: { perIp: rules.passwordResetPerIp } } },
  }, async (request, reply) => {
    const email = normaliseEmail(request.body.email);
    if (!isValidEmailAddress(email)) throw errors.invalidInput({ email: 'Enter a valid email address, such as ada@example.com.' });
    // Counted per address asked about, whether or not an account has it, so the limit reveals nothing either.
    await options.rateLimits.consume(rules.passwordResetPerEmail, email);

    // Both branches do the token work and one audit write, and the mail is sent after the
    // response, so status, body and timing are the same for known and unknown emails.
    const user = await findUserByEmail(db, email);
    if (user) {
      const token = await issueAccountToken(db, { userId: user.id, purpose: 'password_reset', email: user.email });
      app.accountMail.sendPasswordReset(user, token);
    } else {
      await issueDummyAccountToken(db, 'password_reset');
    }
    await recordAuditEvent(db, { type: 'password_reset_requested', userId: user?.id ?? null, ip: request.ip });
    return reply.code(202).send();
  });

  app.post<{ Body: Static<typeof ResetConfirmBody> }>('/api/auth/password-reset/confirm', {
    schema: { body: ResetConfirmBody },
    bodyLimit: RESET_BODY_LIMIT_BYTES,
    config: { security: { access: 'public', csrf: 'token', rateLimits: { perIp: rules.accountTokenPerIp } } },
  }, async (request, reply) => {
    const claim = await findLiveAccountToken(db, request.body.token, ['password_reset']);
    const user = claim ? await findUserById(db, claim.userId) : null;
    if (!claim || !user || user.email !== claim.email) throw errors.invalidToken();

    // Judged before the token is used, so a rejected password leaves the link working for a second try.
    const verdict = judgePassword(request.body.password, { email: user.email, username: user.username });
    if (!verdict.ok) throw errors.weakPassword(verdict.problem ?? 'Choose a stronger password.');

    const passwordHash = await hashPassword(request.body.password);
    const resetUserId = await resetPasswordWithToken(db, request.body.token, passwordHash);
    if (!resetUserId) throw errors.invalidToken();

    // The mailbox owner proved themselves, so earlier failed sign-ins no longer make them wait.
    await app.signInThrottle.clearAccount(user.email);
    await recordAuditEvent(db, { type: 'password_reset', userId: resetUserId, ip: request.ip });
    // Every session was revoked, this browser's included.
    app.clearSessionCookie(reply);
    return reply.code(204).send();
  });
}
