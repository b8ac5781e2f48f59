import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { listActiveSessions, revokeSessionByPublicId } from '../../../accounts/session-management.js';
import type { SessionPolicy } from '../../../accounts/sessions.js';
import { describeDevice } from '../../../accounts/user-agent.js';
import { recordAuditEvent } from '../../../audit/audit-log.js';
import type { Db } from '../../../db/client.js';
import { errors } from '../../errors.js';
import type { RateLimitRules } from '../limits.js';

const SessionParams = Type.Object({
  id: Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' }),
});

/** A session as the account page shows it. */
export interface SessionView {
  id: string;
  device: string;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

export interface AccountSessionRouteOptions {
  db: Db;
  rules: RateLimitRules;
  sessionPolicy: SessionPolicy;
}

/** Lists the signed-in account's live sessions and revokes one of them. */
export async function accountSessionRoutes(app: FastifyInstance, options: AccountSessionRouteOptions): Promise<void> {
  const { db, rules } = options;

  app.get('/api/account/sessions', {
    config: { security: { access: 'signed-in', csrf: 'safe-method', rateLimits: { perIp: rules.apiPerIp } } },
  }, async (request, reply) => {
    const user = request.user;
    if (!user) throw errors.unauthenticated();

    reply.header('cache-control', 'no-store');
    const sessions = await listActiveSessions(db, user.id, options.sessionPolicy);
    const views: SessionView[] = sessions.map((session) => ({
      id: session.publicId,
      device: describeDevice(session.userAgent),
      ip: session.ip,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      current: session.idHash === request.sessionId,
    }));
    return { sessions: views };
  });

  app.delete<{ Params: Static<typeof SessionParams> }>('/api/account/sessions/:id', {
    schema: { params: SessionParams },
    config: { security: { access: 'signed-in', csrf: 'token', rateLimits: { perIp: rules.apiPerIp } } },
  }, async (request, reply) => {
    const user = request.user;
    if (!user) throw errors.unauthenticated();

    const revokedIdHash = await revokeSessionByPublicId(db, user.id, request.params.id.toLowerCase());
    if (!revokedIdHash) throw errors.notFound('The session');

    await recordAuditEvent(db, { type: 'session_revoked', userId: user.id, ip: request.ip, details: { sessionId: request.params.id.toLowerCase() } });
    if (revokedIdHash === request.sessionId) app.clearSessionCookie(reply);
    return reply.code(204).send();
  });
}
