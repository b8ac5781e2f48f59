import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * One log line per request, written when the response is sent: request id, user id,
 * method, route pattern, status and time. The route pattern (`/api/lessons/:id`)
 * is logged rather than the raw URL, so query strings with tokens never reach the logs.
 */
export const requestLogPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onResponse', async (request, reply) => {
    // The request logger already carries reqId.
    const fields = {
      userId: request.user?.id ?? null,
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime),
      ip: request.ip,
    };
    // A 503 names a dependency that is off or busy, so it is expected, unlike other 5xx.
    if (reply.statusCode >= 500 && reply.statusCode !== 503) request.log.error(fields, 'request finished');
    else request.log.info(fields, 'request finished');
  });
}, { name: 'request-log', dependencies: ['sessions'] });
