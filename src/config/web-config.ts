import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ConfigError, type Env, isStrongSecret, readBoolean, readInteger, readString, readUrl } from './env-parsers.js';
import { parsePaypalConfig, type PaypalConfig } from './paypal-config.js';
import { parseMailConfig, type MailConfig } from './mail-config.js';
import { parseTutorConfig, type TutorConfig } from './tutor-config.js';

/** Settings of the web app, parsed once at start and frozen. */
export interface WebConfig {
  production: boolean;
  host: string;
  port: number;
  /** Origin the site is reached at, used in mail links and the Secure cookie decision. */
  publicUrl: URL;
  /** Postgres URL; when unset the app uses embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Redis URL for shared rate limits and run locks; when unset they live in this process. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key this app writes, so several sites or test runs can share one Redis. */
  redisKeyPrefix: string;
  sandboxUrl: URL;
  sandboxSecret: string;
  /** Key for CSRF tokens; random per process unless CSRF_SECRET is set (required with several instances). */
  csrfKey: Buffer;
  /** Time the web app waits for the sandbox service before responding with 503. */
  sandboxTimeoutMs: number;
  maxCodeChars: number;
  maxStdinChars: number;
  runsPerMinutePerUser: number;
  runsPerMinutePerIp: number;
  authAttemptsPerMinutePerIp: number;
  sessionIdleMinutes: number;
  sessionAbsoluteDays: number;
  /** Origins allowed to call the JSON API from a browser; empty turns CORS off. */
  corsOrigins: readonly string[];
  /** Value for Fastify's trustProxy: false, or the proxy addresses/CIDRs named in TRUST_PROXY. */
  trustProxy: false | string[];
  secureCookies: boolean;
  contentDir: string;
  logLevel: string;
  /** PayPal settings, or null when PAYPAL_BUSINESS is unset and payments are off. */
  paypal: Readonly<PaypalConfig> | null;
  mail: Readonly<MailConfig>;
  tutor: Readonly<TutorConfig>;
}

/** Parses the web app's environment; throws ConfigError naming the variable to fix. */
export function parseWebConfig(env: Env): Readonly<WebConfig> {
  const production = env.NODE_ENV === 'production';
  const host = readString(env, 'HOST') ?? '127.0.0.1';
  const port = readInteger(env, 'PORT', 3000, 0, 65_535);
  const publicUrl = readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? new URL(`http://${host}:${port}`);
  const sandboxSecret = readString(env, 'SANDBOX_SECRET');

  if (sandboxSecret === undefined) {
    throw new ConfigError('SANDBOX_SECRET is not set; use the value given to the sandbox service (`npm start` generates one for both).');
  }
  if (production && !isStrongSecret(sandboxSecret)) {
    throw new ConfigError('SANDBOX_SECRET is too weak for production; use at least 32 random bytes, such as `openssl rand -hex 32`.');
  }
  if (production && publicUrl.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL must start with https:// in production, because session cookies are sent only over HTTPS.');
  }
  const csrfSecret = readString(env, 'CSRF_SECRET');
  if (csrfSecret !== undefined && !isStrongSecret(csrfSecret)) {
    throw new ConfigError('CSRF_SECRET is too weak; use at least 32 random bytes, such as `openssl rand -hex 32`, the same on every instance.');
  }
  if (production && csrfSecret === undefined) {
    throw new ConfigError('CSRF_SECRET is not set; production needs one shared by every instance (`openssl rand -hex 32`).');
  }
  const secureCookies = readBoolean(env, 'SECURE_COOKIES', production || publicUrl.protocol === 'https:');
  if (production && !secureCookies) {
    throw new ConfigError('SECURE_COOKIES=false is not allowed in production; remove it so cookies are Secure.');
  }

  return Object.freeze({
    production,
    host,
    port,
    publicUrl,
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])?.toString(),
    dataDir: path.resolve(readString(env, 'DATA_DIR') ?? 'data'),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:'])?.toString(),
    redisKeyPrefix: readString(env, 'REDIS_KEY_PREFIX') ?? 'lp:',
    sandboxUrl: readUrl(env, 'SANDBOX_URL', ['http:', 'https:']) ?? new URL('http://127.0.0.1:3001'),
    sandboxSecret,
    csrfKey: csrfSecret === undefined ? randomBytes(32) : Buffer.from(csrfSecret),
    sandboxTimeoutMs: readInteger(env, 'SANDBOX_TIMEOUT_MS', 15_000, 1_000, 300_000),
    maxCodeChars: readInteger(env, 'MAX_CODE_CHARS', 10_000, 100, 100_000),
    maxStdinChars: readInteger(env, 'MAX_STDIN_CHARS', 10_000, 0, 100_000),
    runsPerMinutePerUser: readInteger(env, 'RUNS_PER_MINUTE_PER_USER', 20, 1, 100_000),
    runsPerMinutePerIp: readInteger(env, 'RUNS_PER_MINUTE_PER_IP', 60, 1, 100_000),
    authAttemptsPerMinutePerIp: readInteger(env, 'AUTH_ATTEMPTS_PER_MINUTE_PER_IP', 10, 1, 10_000),
    sessionIdleMinutes: readInteger(env, 'SESSION_IDLE_MINUTES', 7 * 24 * 60, 5, 365 * 24 * 60),
    sessionAbsoluteDays: readInteger(env, 'SESSION_ABSOLUTE_DAYS', 30, 1, 365),
    trustProxy: parseTrustProxy(readString(env, 'TRUST_PROXY')),
    corsOrigins: parseCorsOrigins(readString(env, 'CORS_ORIGINS')),
    secureCookies,
    contentDir: path.resolve(readString(env, 'CONTENT_DIR') ?? 'content'),
    logLevel: readString(env, 'LOG_LEVEL') ?? 'info',
    paypal: parsePaypalConfig(env, production),
    mail: Object.freeze(parseMailConfig(env)),
    tutor: parseTutorConfig(env),
  });
}

/**
 * X-Forwarded-For is trusted only from the proxies listed, so a client that sends
 * its own header cannot pick the address its rate limits are counted against.
 */
function parseTrustProxy(raw: string | undefined): false | string[] {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true' || raw === '*') {
    throw new ConfigError('TRUST_PROXY must list the proxy addresses (such as 127.0.0.1,10.0.0.0/8), not trust every sender.');
  }
  return raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** Each CORS origin must be an exact origin such as https://school.example.org; a wildcard would expose signed-in answers. */
function parseCorsOrigins(raw: string | undefined): readonly string[] {
  if (raw === undefined) return Object.freeze([]);
  const origins = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`CORS_ORIGINS entry ${JSON.stringify(origin)} is not an origin; use values such as https://school.example.org.`);
    }
    if (parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS entry ${JSON.stringify(origin)} must be a bare origin such as ${parsed.origin}, without a path or wildcard.`);
    }
  }
  return Object.freeze(origins);
}
