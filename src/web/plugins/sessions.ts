import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findActiveSession, type SessionPolicy } from '../../accounts/sessions.js';
import { findUserById, toPublicUser } from '../../accounts/users.js';
import { getEffectivePlan } from '../../billing/entitlements.js';
import type { Db } from '../../db/client.js';
import type { PlanCatalogue } from '../../learning/content/plans.js';

export interface SessionsOptions {
  db: Db;
  plans: PlanCatalogue;
  policy: SessionPolicy;
  secureCookies: boolean;
}

/**
 * The `__Host-` prefix makes browsers refuse the cookie unless it is Secure, has
 * Path=/ and no Domain, so a sibling subdomain cannot plant a session cookie.
 * Plain HTTP on localhost cannot use it.
 */
export function sessionCookieName(secureCookies: boolean): string {
  return secureCookies ? '__Host-lp_session' : 'lp_session';
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Sets the session cookie for a newly created session. */
    setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date): void;
    clearSessionCookie(reply: FastifyReply): void;
  }
}

/** Loads the signed-in account for each request from the session cookie; the plan is recomputed every time. */
export const sessionsPlugin = fp(async (app: FastifyInstance, options: SessionsOptions) => {
  const cookieName = sessionCookieName(options.secureCookies);
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: options.secureCookies, path: '/' };

  app.decorateRequest('user', null);
  app.decorateRequest('sessionId', null);
  app.decorate('setSessionCookie', (reply: FastifyReply, token: string, expiresAt: Date) => {
    reply.setCookie(cookieName, token, { ...cookieOptions, expires: expiresAt });
  });
  app.decorate('clearSessionCookie', (reply: FastifyReply) => {
    reply.clearCookie(cookieName, cookieOptions);
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const token = request.cookies[cookieName];
    if (!token) return;

    const session = await findActiveSession(options.db, token, options.policy);
    if (!session) return;
    const row = await findUserById(options.db, session.userId);
    if (!row) return;

    request.sessionId = session.idHash;
    request.user = toPublicUser(row, await getEffectivePlan(options.db, row.id, options.plans));
  });
}, { name: 'sessions', dependencies: ['@fastify/cookie'] });
