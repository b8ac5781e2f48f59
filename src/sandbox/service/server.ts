import 'dotenv/config';
import { pino } from 'pino';
import { parseSandboxConfig } from '../../config/sandbox-config.js';
import { ConfigError } from '../../config/env-parsers.js';
import { createBackend } from '../backends/select.js';
import { buildSandboxApp } from './app.js';

/** Starts the sandbox service from the environment and stops it cleanly on SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'sandbox' } });
  let config;
  try {
    config = parseSandboxConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.fatal(error.message);
    process.exit(78);
  }

  const backend = await createBackend(config.backend, { limits: config.limits, pyodidePoolSize: config.pyodidePoolSize });
  try {
    await backend.start();
  } catch (error) {
    // Fail closed: a backend that cannot confine code must not serve runs.
    log.fatal({ err: error, backend: backend.name }, 'sandbox backend failed to start; refusing to serve runs');
    await backend.close().catch(() => undefined);
    process.exit(1);
  }

  const app = buildSandboxApp({ backend, secret: config.secret, limits: config.limits, concurrency: config.concurrency, queueMax: config.queueMax, logger: log });
  const address = await app.listen({ host: config.host, port: config.port });
  log.info({ address, backend: backend.name, pythonVersion: backend.pythonVersion() }, 'sandbox service listening');
  process.send?.({ type: 'listening', address, backend: backend.name });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'sandbox service stopping');
    await app.close();
    await backend.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // The sandbox must not outlive the process that started it (npm start).
  process.on('disconnect', () => void stop('parent disconnected'));
}

void main();
