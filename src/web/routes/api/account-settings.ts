import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { issueAccountToken } from '../../../accounts/account-tokens.js';
import { changePassword } from '../../../accounts/password-changes.js';
import { judgePassword, MAX_PASSWORD_CHARS } from '../../../accounts/password-policy.js';
import { hashPassword, verifyPassword } from '../../../accounts/passwords.js';
import { isValidEmailAddress, MAX_EMAIL_CHARS } from '../../../accounts/registration-input.js';
import { findUserByEmail, findUserById, normaliseEmail, type UserRow } from '../../../accounts/users.js';
import { recordAuditEvent } from '../../../audit/audit-log.js';
import type { Db } from '../../../db/client.js';
import { errors } from '../../errors.js';
import type { RouteSecurity } from '../../plugins/route-security.js';
import type { RateLimitRules } from '../limits.js';

const PasswordChangeBody = Type.Object({
  currentPassword: Type.String({ maxLength: MAX_PASSWORD_CHARS * 4 }),
  newPassword: Type.String({ maxLength: MAX_PASSWORD_CHARS * 4 }),
});
const EmailChangeBody = Type.Object({
  email: Type.String({ maxLength: MAX_EMAIL_CHARS + 10 }),
  currentPassword: Type.String({ maxLength: MAX_PASSWORD_CHARS * 4 }),
});

const ACCOUNT_BODY_LIMIT_BYTES = 4 * 1024;

/** Security of the routes that check the current password: per-account limits bound guesses made through a stolen session. */
export function accountChangeSecurity(rules: RateLimitRules): RouteSecurity {
  return { access: 'signed-in', csrf: 'token', rateLimits: { perIp: rules.apiPerIp, perUser: rules.accountChangePerUser } };
}

/**
 * Loads the signed-in account and checks its current password; throws 403
 * `wrong_password` when it does not match. Sensitive changes ask for the password,
 * so a session left open on a shared computer cannot take over the account.
 */
export async function requireCurrentPassword(db: Db, request: FastifyRequest, password: string): Promise<UserRow> {
  const user = request.user ? await findUserById(db, request.user.id) : null;
  if (!user || !request.sessionId) throw errors.unauthenticated();

  if (!(await verifyPassword(user.passwordHash, password))) throw errors.wrongPassword();
  return user;
}

/** Changing the password and the email address of the signed-in account. */
export async function accountSettingsRoutes(app: FastifyInstance, options: { db: Db; rules: RateLimitRules }): Promise<void> {
  const { db } = options;
  const security = accountChangeSecurity(options.rules);

  app.post<{ Body: Static<typeof PasswordChangeBody> }>('/api/account/password', {
    schema: { body: PasswordChangeBody }, bodyLimit: ACCOUNT_BODY_LIMIT_BYTES, config: { security },
  }, async (request, reply) => {
    const user = await requireCurrentPassword(db, request, request.body.currentPassword);
    if (request.body.newPassword === request.body.currentPassword) {
      throw errors.invalidInput({ newPassword: 'must differ from your current password' }, 'The new password is the same as the current one.');
    }
    const verdict = judgePassword(request.body.newPassword, { email: user.email, username: user.username });
    if (!verdict.ok) throw errors.weakPassword(verdict.problem ?? 'Choose a stronger password.', 'newPassword');

    const passwordHash = await hashPassword(request.body.newPassword);
    await changePassword(db, user.id, passwordHash, request.sessionId!);
    await recordAuditEvent(db, { type: 'password_changed', userId: user.id, ip: request.ip });
    app.accountMail.sendPasswordChangedNotice(user);
    return reply.code(204).send();
  });

  app.post<{ Body: Static<typeof EmailChangeBody> }>('/api/account/email', {
    schema: { body: EmailChangeBody }, bodyLimit: ACCOUNT_BODY_LIMIT_BYTES, config: { security },
  }, async (request, reply) => {
    const newEmail = normaliseEmail(request.body.email);
    if (!isValidEmailAddress(newEmail)) throw errors.invalidInput({ email: 'Enter a valid email address, such as ada@example.com.' });

    const user = await requireCurrentPassword(db, request, request.body.currentPassword);
    if (newEmail === user.email) throw errors.invalidInput({ email: 'This is already your email address.' });
    if (await findUserByEmail(db, newEmail)) throw errors.emailTaken();

    // The account keeps its address until the link mailed to the new one is opened, so a typo cannot lock the learner out.
    const token = await issueAccountToken(db, { userId: user.id, purpose: 'change_email', email: newEmail });
    app.accountMail.sendEmailChangeConfirmation({ email: newEmail, username: user.username }, token);
    app.accountMail.sendEmailChangeNotice(user, newEmail);
    await recordAuditEvent(db, { type: 'email_change_requested', userId: user.id, ip: request.ip });
    return reply.code(202).send({ pendingEmail: newEmail });
  });
}
