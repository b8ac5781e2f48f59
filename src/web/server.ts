import 'dotenv/config';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { ConfigError } from '../config/env-parsers.js';
import { parseWebConfig, type WebConfig } from '../config/web-config.js';
import { openDatabase } from '../db/client.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { loadContent, loadPlans } from '../learning/content/index.js';
import { createSandboxClient } from '../sandbox/client.js';
import { buildApp, LOG_REDACT_PATHS } from './app.js';

/** Starts the web app from the environment; stops cleanly on SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'web' }, redact: LOG_REDACT_PATHS });
  let config: Readonly<WebConfig>;
  try {
    config = parseWebConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.fatal(error.message);
    process.exit(78);
  }

  const plans = await loadPlans(config.contentDir);
  const content = await loadContent(config.contentDir);
  let database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    log.fatal(error.message);
    process.exit(1);
  }
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log) : null;
  if (!redis) log.warn('REDIS_URL is not set: rate limits and run locks live in this process, so run only one web app instance');
  if (database.kind === 'pglite') log.info({ dataDir: config.dataDir }, 'using embedded PGlite database');

  const sandbox = createSandboxClient({ baseUrl: config.sandboxUrl, secret: config.sandboxSecret, timeoutMs: config.sandboxTimeoutMs });
  const app = await buildApp({ config, database, sandbox, content, plans, redis, logger: log });
  app.server.requestTimeout = 60_000;
  app.server.headersTimeout = 20_000;

  await app.listen({ host: config.host, port: config.port });
  log.info({ url: config.publicUrl.toString() }, 'LearnPython is listening');
  process.send?.({ type: 'listening' });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'web app stopping');
    await app.close();
    await database.close();
    redis?.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function connectRedis(url: string, log: pino.Logger): Redis {
  // Commands fail fast while Redis is down, so guarded routes respond with 503 instead of hanging.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  let lastLoggedAt = 0;
  redis.on('error', (error) => {
    if (Date.now() - lastLoggedAt < 10_000) return;
    lastLoggedAt = Date.now();
    log.error({ err: error }, 'Redis connection error');
  });
  return redis;
}

void main();
