import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client.js';
import type { SandboxClient } from '../../sandbox/client.js';

const PUBLIC_PROBE = { access: 'public', csrf: 'safe-method', rateLimits: {} } as const;

/** Liveness and readiness probes for load balancers and operators. */
export async function healthRoutes(app: FastifyInstance, options: { database: Database; sandbox: SandboxClient }): Promise<void> {
  app.get('/healthz', { config: { security: PUBLIC_PROBE } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { security: PUBLIC_PROBE } }, async (request, reply) => {
    const failing: string[] = [];
    await options.database.ping().catch((error: unknown) => {
      request.log.warn({ err: error }, 'readiness check failed: database did not respond');
      failing.push('database');
    });
    await options.sandbox.ping().catch((error: unknown) => {
      request.log.warn({ err: error }, 'readiness check failed: sandbox did not respond');
      failing.push('sandbox');
    });

    if (failing.length === 0) return { status: 'ready' };
    return reply.code(503).send({ status: 'not_ready', failing, error: { code: 'not_ready', message: `Not ready: ${failing.join(' and ')} did not respond.` } });
  });
}
