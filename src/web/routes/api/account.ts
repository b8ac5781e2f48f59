import type { FastifyInstance } from 'fastify';
import type { RateLimitRules } from '../limits.js';

/** Registers the routes that return the CSRF token and the signed-in account. */
export async function accountRoutes(app: FastifyInstance, options: { rules: RateLimitRules }): Promise<void> {
  const perIp = { perIp: options.rules.apiPerIp };

  app.get('/api/csrf', { config: { security: { access: 'public', csrf: 'safe-method', rateLimits: perIp } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { token: request.csrfToken(reply) };
  });

  app.get('/api/me', { config: { security: { access: 'signed-in', csrf: 'safe-method', rateLimits: perIp } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { user: request.user };
  });
}
