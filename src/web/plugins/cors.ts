import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const ALLOWED_METHODS = 'GET, POST, DELETE';
const ALLOWED_HEADERS = 'content-type, x-csrf-token';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Cross-origin requests are rejected by default, because browsers block other
 * origins from reading any response. Only origins listed in CORS_ORIGINS get CORS headers,
 * and only for the JSON API.
 */
export const corsPlugin = fp(async (app: FastifyInstance, options: { origins: readonly string[] }) => {
  if (options.origins.length === 0) return;
  const allowed = new Set(options.origins);

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !allowed.has(origin) || !request.url.startsWith('/api/')) return;

    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
    if (request.method !== 'OPTIONS') return;

    reply.header('access-control-allow-methods', ALLOWED_METHODS);
    reply.header('access-control-allow-headers', ALLOWED_HEADERS);
    reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    return reply.code(204).send();
  });
}, { name: 'cors' });
