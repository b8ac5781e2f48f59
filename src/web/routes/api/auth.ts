import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { issueAccountToken } from '../../../accounts/account-tokens.js';
import { hashPassword, verifyAgainstDummyHash, verifyPassword } from '../../../accounts/passwords.js';
import { MAX_PASSWORD_CHARS } from '../../../accounts/password-policy.js';
import { MAX_EMAIL_CHARS, validateRegistration } from '../../../accounts/registration-input.js';
import { createSession, revokeSession, type SessionPolicy } from '../../../accounts/sessions.js';
import { createUser, findUserByEmail, normaliseEmail, toPublicUser } from '../../../accounts/users.js';
import { recordAuditEvent } from '../../../audit/audit-log.js';
import { getEffectivePlan } from '../../../billing/entitlements.js';
import type { Db } from '../../../db/client.js';
import { errors } from '../../errors.js';
import type { RateLimits } from '../../guards/rate-limits.js';
import type { RateLimitRules } from '../limits.js';

const RegisterBody = Type.Object({
  email: Type.String({ maxLength: MAX_EMAIL_CHARS + 10 }),
  username: Type.String({ maxLength: 60 }),
  password: Type.String({ maxLength: MAX_PASSWORD_CHARS * 4 }),
});
const LoginBody = Type.Object({
  email: Type.String({ maxLength: MAX_EMAIL_CHARS + 10 }),
  password: Type.String({ maxLength: MAX_PASSWORD_CHARS * 4 }),
});

const AUTH_BODY_LIMIT_BYTES = 4 * 1024;

export interface AuthRouteOptions {
  db: Db;
  sessionPolicy: SessionPolicy;
  rateLimits: RateLimits;
  rules: RateLimitRules;
}

/** Sign-up (which mails a verification link), sign-in with progressive delays after failures, and sign-out. */
export async function authRoutes(app: FastifyInstance, options: AuthRouteOptions): Promise<void> {
  const { db, rules } = options;
  const authSecurity = { access: 'public', csrf: 'token', rateLimits: { perIp: rules.authPerIp } } as const;

  app.post<{ Body: Static<typeof RegisterBody> }>('/api/auth/register', {
    schema: { body: RegisterBody }, bodyLimit: AUTH_BODY_LIMIT_BYTES, config: { security: authSecurity },
  }, async (request, reply) => {
    const fields = validateRegistration(request.body);
    if (Object.keys(fields).length > 0) throw errors.invalidInput(fields);

    const passwordHash = await hashPassword(request.body.password);
    const outcome = await createUser(db, { email: request.body.email, username: request.body.username, passwordHash });
    if (!outcome.ok) throw outcome.conflict === 'email' ? errors.emailTaken() : errors.usernameTaken();

    await recordAuditEvent(db, { type: 'account_created', userId: outcome.user.id, ip: request.ip });
    const verificationToken = await issueAccountToken(db, { userId: outcome.user.id, purpose: 'verify_email', email: outcome.user.email });
    app.accountMail.sendEmailVerification(outcome.user, verificationToken);
    await recordAuditEvent(db, { type: 'email_verification_sent', userId: outcome.user.id, ip: request.ip });
    const session = await createSession(db, outcome.user.id, options.sessionPolicy, { ip: request.ip, userAgent: request.headers['user-agent'] });
    app.setSessionCookie(reply, session.token, session.expiresAt);
    return reply.code(201).send({ user: toPublicUser(outcome.user, { planId: 'free', expiresAt: null }) });
  });

  app.post<{ Body: Static<typeof LoginBody> }>('/api/auth/login', {
    schema: { body: LoginBody }, bodyLimit: AUTH_BODY_LIMIT_BYTES, config: { security: authSecurity },
  }, async (request, reply) => {
    const email = normaliseEmail(request.body.email);
    const throttleKeys = { account: email, ip: request.ip };
    try {
      // A waiting account is rejected before anything else is counted, so attempts during the wait change nothing.
      await app.signInThrottle.check(throttleKeys);
      await options.rateLimits.consume(rules.signInPerAccount, email);
    } catch (error) {
      await recordAuditEvent(db, { type: 'sign_in_throttled', userId: null, ip: request.ip, details: { email } });
      throw error;
    }

    const user = await findUserByEmail(db, email);
    if (!user) {
      // Same work and same response as a wrong password, so the response does not reveal whether the account exists.
      await verifyAgainstDummyHash(request.body.password);
      await app.signInThrottle.recordFailure(throttleKeys);
      await recordAuditEvent(db, { type: 'sign_in_failed', userId: null, ip: request.ip, details: { reason: 'unknown_email' } });
      throw errors.invalidCredentials();
    }
    if (!(await verifyPassword(user.passwordHash, request.body.password))) {
      await app.signInThrottle.recordFailure(throttleKeys);
      await recordAuditEvent(db, { type: 'sign_in_failed', userId: user.id, ip: request.ip, details: { reason: 'wrong_password' } });
      throw errors.invalidCredentials();
    }

    await app.signInThrottle.recordSuccess(throttleKeys);
    // A fresh session id at every sign-in defeats session fixation; any session the browser had is ended.
    if (request.sessionId) await revokeSession(db, request.sessionId);
    const session = await createSession(db, user.id, options.sessionPolicy, { ip: request.ip, userAgent: request.headers['user-agent'] });
    app.setSessionCookie(reply, session.token, session.expiresAt);
    await recordAuditEvent(db, { type: 'sign_in_succeeded', userId: user.id, ip: request.ip });
    return { user: toPublicUser(user, await getEffectivePlan(db, user.id, app.plans)) };
  });

  app.post('/api/auth/logout', {
    bodyLimit: 1024, config: { security: { access: 'public', csrf: 'token', rateLimits: { perIp: rules.apiPerIp } } },
  }, async (request, reply) => {
    if (request.sessionId) {
      await revokeSession(db, request.sessionId);
      await recordAuditEvent(db, { type: 'signed_out', userId: request.user?.id ?? null, ip: request.ip });
    }
    app.clearSessionCookie(reply);
    return reply.code(204).send();
  });
}
