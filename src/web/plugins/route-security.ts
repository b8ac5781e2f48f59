import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';
import type { RateLimitRule, RateLimits } from '../guards/rate-limits.js';

/**
 * Every route states who may call it, how cross-site requests are stopped, and
 * which rate limits it counts against. Registration fails for a route without it,
 * so no route ships with an unstated policy.
 */
export interface RouteSecurity {
  access: 'public' | 'signed-in';
  /**
   * 'token': x-csrf-token header required; 'safe-method': GET/HEAD only, changes nothing;
   * 'verified-sender': a server-to-server notification whose handler confirms the sender with PayPal.
   */
  csrf: 'token' | 'safe-method' | 'verified-sender';
  /** Limits counted per client IP and, for signed-in routes, per account. */
  rateLimits: { perIp?: RateLimitRule; perUser?: RateLimitRule };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    security?: RouteSecurity;
  }
  interface FastifyInstance {
    /** Every registered route with its declared security, for tests and docs checks. */
    securedRoutes: Array<{ method: string; url: string; security: RouteSecurity }>;
  }
}

/** Routes that come from plugins (static files, Fastify's own HEAD routes) and carry their own defaults. */
const PLUGIN_ROUTE_PREFIXES = ['/static/'];

/** Registers the hooks that enforce each route's declared security. */
export const routeSecurityPlugin = fp(async (app: FastifyInstance, options: { rateLimits: RateLimits }) => {
  const securedRoutes: FastifyInstance['securedRoutes'] = [];
  app.decorate('securedRoutes', securedRoutes);

  app.addHook('onRoute', (route: RouteOptions) => {
    const security = route.config?.security;
    if (PLUGIN_ROUTE_PREFIXES.some((prefix) => route.url.startsWith(prefix))) return;
    if (!security) throw new Error(`route ${String(route.method)} ${route.url} has no security declaration`);

    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const changesState = methods.some((method) => !['GET', 'HEAD', 'OPTIONS'].includes(method));
    if (changesState && security.csrf === 'safe-method') {
      throw new Error(`route ${String(route.method)} ${route.url} changes state but declares no CSRF defence`);
    }
    for (const method of methods) securedRoutes.push({ method, url: route.url, security });
  });

  // onRequest: the checks run before the body is read or validated, so a forged or
  // over-limit request costs no parsing and learns nothing from validation errors.
  app.addHook('onRequest', async (request) => {
    const security = request.routeOptions.config.security;
    if (!security) return;

    if (security.csrf === 'token' && !request.hasValidCsrfToken()) throw errors.csrfInvalid();
    if (security.rateLimits.perIp) await options.rateLimits.consume(security.rateLimits.perIp, request.ip);
    if (security.access === 'signed-in' && !request.user) throw errors.unauthenticated();
    if (security.rateLimits.perUser && request.user) await options.rateLimits.consume(security.rateLimits.perUser, request.user.id);
  });
}, { name: 'route-security', dependencies: ['sessions', 'csrf'] });
