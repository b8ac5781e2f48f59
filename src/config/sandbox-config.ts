import { ConfigError, type Env, isStrongSecret, readChoice, readInteger, readString } from './env-parsers.js';
import { DEFAULT_RUN_LIMITS, type RunLimits } from '../sandbox/types.js';
import type { BackendChoice } from '../sandbox/backends/select.js';

/** Settings of the sandbox service, parsed once at start and frozen. */
export interface SandboxConfig {
  host: string;
  port: number;
  backend: BackendChoice;
  secret: string;
  /** Runs executing at once. */
  concurrency: number;
  /** Runs waiting for a slot; past it the service answers 503 sandbox_busy. */
  queueMax: number;
  pyodidePoolSize: number;
  limits: RunLimits;
  production: boolean;
  logLevel: string;
}

/** Parses the sandbox service's environment; throws ConfigError naming the variable to fix. */
export function parseSandboxConfig(env: Env): Readonly<SandboxConfig> {
  const production = env.NODE_ENV === 'production';
  const secret = readString(env, 'SANDBOX_SECRET');
  if (secret === undefined) {
    throw new ConfigError('SANDBOX_SECRET is not set; generate one with `openssl rand -hex 32` and give the same value to the web app.');
  }
  if (production && !isStrongSecret(secret)) {
    throw new ConfigError('SANDBOX_SECRET is too weak for production; use at least 32 random bytes, such as `openssl rand -hex 32`.');
  }

  const limits: RunLimits = {
    cpuMs: readInteger(env, 'SANDBOX_CPU_MS', DEFAULT_RUN_LIMITS.cpuMs, 100, 60_000),
    wallMs: readInteger(env, 'SANDBOX_WALL_MS', DEFAULT_RUN_LIMITS.wallMs, 200, 120_000),
    memoryBytes: readInteger(env, 'SANDBOX_MEMORY_MB', DEFAULT_RUN_LIMITS.memoryBytes / 1024 / 1024, 32, 4096) * 1024 * 1024,
    maxProcesses: readInteger(env, 'SANDBOX_MAX_PROCESSES', DEFAULT_RUN_LIMITS.maxProcesses, 1, 1024),
    maxFileBytes: readInteger(env, 'SANDBOX_MAX_FILE_BYTES', DEFAULT_RUN_LIMITS.maxFileBytes, 4096, 1024 * 1024 * 1024),
    maxOutputBytes: readInteger(env, 'SANDBOX_MAX_OUTPUT_BYTES', DEFAULT_RUN_LIMITS.maxOutputBytes, 1024, 16 * 1024 * 1024),
  };

  return Object.freeze({
    host: readString(env, 'SANDBOX_HOST') ?? '127.0.0.1',
    port: readInteger(env, 'SANDBOX_PORT', 3001, 0, 65_535),
    backend: readChoice(env, 'SANDBOX_BACKEND', ['auto', 'bubblewrap', 'pyodide'] as const, 'auto'),
    secret,
    concurrency: readInteger(env, 'SANDBOX_CONCURRENCY', 2, 1, 256),
    queueMax: readInteger(env, 'SANDBOX_QUEUE_MAX', 16, 0, 10_000),
    pyodidePoolSize: readInteger(env, 'SANDBOX_PYODIDE_POOL', 2, 1, 64),
    limits: Object.freeze(limits),
    production,
    logLevel: readString(env, 'LOG_LEVEL') ?? 'info',
  });
}
