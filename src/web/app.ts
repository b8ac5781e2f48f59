import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { Redis } from 'ioredis';
import type { WebConfig } from '../config/web-config.js';
import type { Database } from '../db/client.js';
import type { PlanCatalogue } from '../learning/content/plans.js';
import type { ContentCatalogue } from '../learning/types.js';
import { mailPlugin } from '../mail/mail-plugin.js';
import type { SandboxClient } from '../sandbox/client.js';
import './fastify-types.js';
import { createRateLimits } from './guards/rate-limits.js';
import { createRunLocks } from './guards/run-locks.js';
import { signInThrottlePlugin } from './guards/sign-in-throttle.js';
import { csrfPlugin } from './plugins/csrf.js';
import { corsPlugin } from './plugins/cors.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { requestLogPlugin } from './plugins/request-log.js';
import { routeSecurityPlugin } from './plugins/route-security.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { sessionsPlugin } from './plugins/sessions.js';
import { viewsPlugin } from './plugins/views.js';
import { accountRoutes } from './routes/api/account.js';
import { accountDataRoutes } from './routes/api/account-data.js';
import { accountRecoveryRoutes } from './routes/api/account-recovery.js';
import { accountSessionRoutes } from './routes/api/account-sessions.js';
import { accountSettingsRoutes } from './routes/api/account-settings.js';
import { accountPageRoutes } from './routes/account-pages.js';
import { authRoutes } from './routes/api/auth.js';
import { lessonRoutes } from './routes/api/lessons.js';
import { runRoutes } from './routes/api/run.js';
import { taskCheckRoutes } from './routes/api/task-checks.js';
import { tutorRoutes } from './routes/api/tutor.js';
import { healthRoutes } from './routes/health.js';
import { buildRateLimitRules } from './routes/limits.js';
import { pageRoutes } from './routes/pages.js';
import { planRoutes } from './routes/api/plans.js';
import { billingPageRoutes } from './routes/billing-pages.js';
import { paypalRoutes } from './routes/paypal.js';

const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');
const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

export interface AppDependencies {
  config: Readonly<WebConfig>;
  database: Database;
  sandbox: SandboxClient;
  content: ContentCatalogue;
  plans: PlanCatalogue;
  /** Shared store for rate limits and run locks; null keeps them in this process. */
  redis: Redis | null;
  /** A pino logger; without it the app logs nothing. */
  logger?: FastifyBaseLogger;
}

/** Log settings that keep secrets out of the logs whatever a future serializer adds. */
export const LOG_REDACT_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'req.headers["x-sandbox-secret"]',
  'res.headers["set-cookie"]', 'password', 'body.password', 'token', 'secret',
];

/** Builds the web app without listening; `server.ts` listens and tests use `inject` or port 0. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    trustProxy: config.trustProxy === false ? false : config.trustProxy,
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    // The request-log plugin writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // Types are not converted: `{"code": 5}` is invalid input, not the program "5".
    ajv: { customOptions: { coerceTypes: false } },
    // A URL that cannot be decoded never reaches a route, so it gets the API's error shape here.
    frameworkErrors: (error, request, reply) => {
      request.log.info({ code: error.code }, 'request rejected before routing');
      const body = { error: { code: 'bad_request', message: 'The request URL or headers could not be read.' }, requestId: request.id };
      void (reply as FastifyReply).code(400).send(body);
    },
  });
  app.addHook('onSend', async (request, reply) => { reply.header('x-request-id', request.id); });

  app.decorate('content', deps.content);
  app.decorate('plans', deps.plans);

  const rateLimits = createRateLimits(deps.redis, config.redisKeyPrefix);
  const rules = buildRateLimitRules(config);
  const sessionPolicy = { idleMinutes: config.sessionIdleMinutes, absoluteDays: config.sessionAbsoluteDays };

  await app.register(errorHandlerPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(securityHeadersPlugin, { production: config.production });
  await app.register(corsPlugin, { origins: config.corsOrigins });
  await app.register(cookie);
  await app.register(csrfPlugin, { key: config.csrfKey, secureCookies: config.secureCookies });
  await app.register(sessionsPlugin, { db: database.db, plans: deps.plans, policy: sessionPolicy, secureCookies: config.secureCookies });
  await app.register(requestLogPlugin);
  await app.register(viewsPlugin, { production: config.production });
  await app.register(routeSecurityPlugin, { rateLimits });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', index: false, list: false, dotfiles: 'deny', maxAge: config.production ? '1h' : 0 });

  await app.register(healthRoutes, { database, sandbox: deps.sandbox });
  await app.register(accountRoutes, { rules });
  await app.register(mailPlugin, { mail: config.mail, publicUrl: config.publicUrl, production: config.production });
  await app.register(signInThrottlePlugin, { redis: deps.redis, keyPrefix: config.redisKeyPrefix });
  await app.register(authRoutes, { db: database.db, sessionPolicy, rateLimits, rules });
  await app.register(accountRecoveryRoutes, { db: database.db, rateLimits, rules });
  await app.register(accountSettingsRoutes, { db: database.db, rules });
  await app.register(accountSessionRoutes, { db: database.db, rules, sessionPolicy });
  await app.register(accountDataRoutes, { db: database.db, rules });
  await app.register(accountPageRoutes, { db: database.db, rules, sessionPolicy });
  await app.register(lessonRoutes, { rules });
  const runLocks = createRunLocks(deps.redis, config.redisKeyPrefix);
  await app.register(runRoutes, {
    db: database.db, sandbox: deps.sandbox, runLocks, rules,
    maxCodeChars: config.maxCodeChars, maxStdinChars: config.maxStdinChars, sandboxTimeoutMs: config.sandboxTimeoutMs,
  });
  await app.register(taskCheckRoutes, {
    db: database.db, sandbox: deps.sandbox, runLocks, rules, maxCodeChars: config.maxCodeChars, sandboxTimeoutMs: config.sandboxTimeoutMs,
  });
  await app.register(tutorRoutes, { db: database.db, rules, tutor: config.tutor, maxCodeChars: config.maxCodeChars });
  await app.register(pageRoutes, { tutorEnabled: config.tutor.apiKey !== undefined, db: database.db });
  await app.register(planRoutes, { paypal: config.paypal, publicUrl: config.publicUrl, rules });
  await app.register(paypalRoutes, { db: database.db, paypal: config.paypal });
  await app.register(billingPageRoutes, { db: database.db, paypal: config.paypal, publicUrl: config.publicUrl, rules });

  return app;
}
