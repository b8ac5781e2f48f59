import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { parseWebConfig } from '../../src/config/web-config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { loadContent, loadPlans } from '../../src/learning/content/index.js';
import { createSandboxClient } from '../../src/sandbox/client.js';
import { buildApp } from '../../src/web/app.js';
import { createScratchDatabase, type DatabaseKind } from './databases.js';

export interface RunningWebApp {
  app: FastifyInstance;
  baseUrl: string;
  database: Database;
  close(): Promise<void>;
}

export interface WebAppOptions {
  sandboxUrl?: URL;
  sandboxSecret?: string;
  databaseKind?: DatabaseKind;
  redisUrl?: string;
  /** Extra environment variables, as the operator would set them. */
  env?: Record<string, string>;
  /** A pino logger to inspect what the app logs; silent by default. */
  logger?: FastifyBaseLogger;
}

/** Builds the real web app on a scratch database and listens on a free loopback port. */
export async function startWebApp(options: WebAppOptions = {}): Promise<RunningWebApp> {
  const scratch = await createScratchDatabase(options.databaseKind ?? 'pglite');
  // Mail goes to a folder of this app's own unless the test names one, so no test writes into the repository.
  const outboxDir = await fs.mkdtemp(path.join(tmpdir(), 'learnpython-test-outbox-'));
  const config = parseWebConfig({
    SANDBOX_URL: (options.sandboxUrl ?? new URL('http://127.0.0.1:9')).toString(),
    SANDBOX_SECRET: options.sandboxSecret ?? 'x'.repeat(8) + 'test-secret-not-used',
    SANDBOX_TIMEOUT_MS: '20000',
    CONTENT_DIR: path.resolve('content'),
    OUTBOX_DIR: outboxDir,
    // A prefix per app keeps counters from other tests and earlier runs out of the way.
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: `lp-test-${randomBytes(6).toString('hex')}:` } : {}),
    ...options.env,
  });
  const database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : null;
  redis?.on('error', () => undefined);
  const sandbox = createSandboxClient({ baseUrl: config.sandboxUrl, secret: config.sandboxSecret, timeoutMs: config.sandboxTimeoutMs });
  const app = await buildApp({ config, database, sandbox, content: await loadContent(config.contentDir), plans: await loadPlans(config.contentDir), redis, logger: options.logger });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    database,
    close: async () => {
      await app.close();
      await database.close();
      redis?.disconnect();
      await scratch.drop();
      await fs.rm(outboxDir, { recursive: true, force: true });
    },
  };
}
