import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { deleteAccount } from '../../../accounts/account-deletion.js';
import { exportAccountData } from '../../../accounts/account-export.js';
import { MAX_PASSWORD_CHARS } from '../../../accounts/password-policy.js';
import { recordAuditEvent } from '../../../audit/audit-log.js';
import type { Db } from '../../../db/client.js';
import { errors } from '../../errors.js';
import type { RateLimitRules } from '../limits.js';
import { accountChangeSecurity, requireCurrentPassword } from './account-settings.js';

const DeleteBody = Type.Object({ currentPassword: Type.String({ maxLength: MAX_PASSWORD_CHARS * 4 }) });

/** Downloading and deleting the signed-in account's data. */
export async function accountDataRoutes(app: FastifyInstance, options: { db: Db; rules: RateLimitRules }): Promise<void> {
  const { db, rules } = options;

  app.get('/api/account/export', {
    config: { security: { access: 'signed-in', csrf: 'safe-method', rateLimits: { perIp: rules.apiPerIp, perUser: rules.accountExportPerUser } } },
  }, async (request, reply) => {
    const user = request.user;
    if (!user) throw errors.unauthenticated();

    // Recorded first, so the file lists this export among the account's events.
    await recordAuditEvent(db, { type: 'account_data_exported', userId: user.id, ip: request.ip });
    const data = await exportAccountData(db, user.id);
    if (!data) throw errors.unauthenticated();

    reply.header('cache-control', 'no-store');
    reply.header('content-disposition', 'attachment; filename="learnpython-account.json"');
    return data;
  });

  app.post<{ Body: Static<typeof DeleteBody> }>('/api/account/delete', {
    schema: { body: DeleteBody }, bodyLimit: 4 * 1024, config: { security: accountChangeSecurity(rules) },
  }, async (request, reply) => {
    const user = await requireCurrentPassword(db, request, request.body.currentPassword);

    await deleteAccount(db, { id: user.id, email: user.email });
    // The event keeps no account id, email or address: the account it would point to is gone.
    await recordAuditEvent(db, { type: 'account_deleted', userId: null, ip: null });
    await app.signInThrottle.clearAccount(user.email);
    app.accountMail.sendAccountDeletedNotice(user);
    app.clearSessionCookie(reply);
    return reply.code(204).send();
  });
}
