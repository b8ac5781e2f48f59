/** HTML pages for the account: the account page, email confirmation and password reset. */
import type { FastifyInstance } from 'fastify';
import { listActiveSessions } from '../../accounts/session-management.js';
import type { SessionPolicy } from '../../accounts/sessions.js';
import { describeDevice } from '../../accounts/user-agent.js';
import type { Db } from '../../db/client.js';
import type { RouteSecurity } from '../plugins/route-security.js';
import type { RateLimitRules } from './limits.js';

export interface AccountPageOptions {
  db: Db;
  rules: RateLimitRules;
  sessionPolicy: SessionPolicy;
}

/** Registers `/account`, `/verify-email`, `/reset-password` and `/reset-password/confirm`. */
export async function accountPageRoutes(app: FastifyInstance, options: AccountPageOptions): Promise<void> {
  // The account page redirects signed-out visitors itself, as the lesson page does, so it is declared public.
  const security: RouteSecurity = { access: 'public', csrf: 'safe-method', rateLimits: { perIp: options.rules.apiPerIp } };
  const pageOptions = { config: { security } };

  app.get('/account', pageOptions, async (request, reply) => {
    const user = request.user;
    if (!user) return reply.redirect(`/signin?next=${encodeURIComponent('/account')}`);

    const sessions = await listActiveSessions(options.db, user.id, options.sessionPolicy);
    reply.header('cache-control', 'no-store');
    return reply.view('account.njk', {
      account: { email: user.email, username: user.username, emailVerified: user.emailVerified, plan: findPlanName(app, user.plan) },
      sessions: sessions.map((session) => ({
        id: session.publicId,
        device: describeDevice(session.userAgent),
        ip: session.ip,
        lastSeenAt: session.lastSeenAt.toISOString(),
        lastSeenLabel: formatUtc(session.lastSeenAt),
        current: session.idHash === request.sessionId,
      })),
    });
  });

  // Pages that receive mailed tokens send no Referer anywhere, as a second guard beside the fragment that carries the token.
  app.get('/verify-email', pageOptions, async (_request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    return reply.view('verify-email.njk');
  });

  app.get('/reset-password', pageOptions, async (_request, reply) => reply.view('reset-password.njk'));

  app.get('/reset-password/confirm', pageOptions, async (_request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    return reply.view('reset-password-confirm.njk');
  });
}

function findPlanName(app: FastifyInstance, planId: string): string {
  return app.plans.getPlan(planId)?.name ?? planId;
}

/** Formats a time as `2026-05-04 09:30 UTC`: the server does not know the reader's time zone. */
function formatUtc(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
