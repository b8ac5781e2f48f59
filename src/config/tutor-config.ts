import { type Env, readInteger, readString, readUrl } from './env-parsers.js';

/** Settings of the AI tutor, part of the web app's configuration. */
export interface TutorConfig {
  /** Key for the OpenAI-compatible API; the tutor is switched off while it is unset. */
  apiKey: string | undefined;
  /** Base URL of an OpenAI-compatible API, such as http://127.0.0.1:11434/v1 for Ollama; unset means OpenAI's own. */
  baseUrl: string | undefined;
  model: string;
  /** Time one upstream attempt may take to send its response headers, and the maximum pause between two streamed chunks. */
  timeoutMs: number;
  /** Upper bound on the tokens of one answer, sent upstream as `max_tokens`. */
  maxAnswerTokens: number;
  /** Retries of a failed upstream request (connection errors, 408, 409, 429, 5xx), with exponential backoff. */
  maxRetries: number;
  /** Tutor questions one account may send per minute, on top of its daily plan quota. */
  requestsPerMinutePerUser: number;
}

export const DEFAULT_TUTOR_MODEL = 'gpt-4o-mini';

/** Parses the tutor's environment variables; throws ConfigError naming the variable to fix. */
export function parseTutorConfig(env: Env): Readonly<TutorConfig> {
  return Object.freeze({
    apiKey: readString(env, 'OPENAI_API_KEY'),
    baseUrl: readUrl(env, 'OPENAI_BASE_URL', ['http:', 'https:'])?.toString(),
    model: readString(env, 'OPENAI_MODEL') ?? DEFAULT_TUTOR_MODEL,
    timeoutMs: readInteger(env, 'TUTOR_TIMEOUT_MS', 30_000, 100, 600_000),
    maxAnswerTokens: readInteger(env, 'TUTOR_MAX_ANSWER_TOKENS', 700, 16, 8_000),
    maxRetries: readInteger(env, 'TUTOR_MAX_RETRIES', 2, 0, 5),
    requestsPerMinutePerUser: readInteger(env, 'TUTOR_REQUESTS_PER_MINUTE_PER_USER', 6, 1, 10_000),
  });
}

/** Returns true when the tutor has what it needs to call the upstream API. */
export function isTutorConfigured(config: Pick<TutorConfig, 'apiKey'>): boolean {
  return config.apiKey !== undefined;
}
