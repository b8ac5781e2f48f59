import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { isTutorConfigured, type TutorConfig } from '../config/tutor-config.js';
import { TutorAbortedError, TutorUpstreamError } from './errors.js';
import type { ChatMessage } from './prompt.js';

/** A chat model that streams its answer as text pieces. */
export interface TutorProvider {
  /**
   * Yields the answer's text as it arrives. Throws TutorUpstreamError when the
   * upstream fails, stalls or stops before it finishes, and TutorAbortedError
   * when `signal` aborts. Ending the iteration early closes the upstream request.
   */
  streamAnswer(messages: readonly ChatMessage[], signal: AbortSignal): AsyncGenerator<string, void, undefined>;
}

const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * Maximum wait between retries that an upstream may request with Retry-After.
 * The client sleeps for whatever the header says, so without a cap one answer
 * could keep a learner's request, and a server connection, open for an hour.
 */
export const MAX_RETRY_DELAY_MS = 5_000;

/** Creates the provider for an OpenAI-compatible API, or returns null when no API key is configured. */
export function createTutorProvider(config: Readonly<TutorConfig>): TutorProvider | null {
  if (!isTutorConfigured(config)) return null;

  const client = new OpenAI({
    apiKey: config.apiKey,
    // Passed explicitly so the parsed configuration wins over variables the client would read itself.
    baseURL: config.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: fetchWithCappedRetryDelay,
    // The client would otherwise print to the console; failures are logged by the caller with request ids.
    logLevel: 'off',
  });

  return {
    streamAnswer: (messages, signal) => streamChatAnswer(client, config, messages, signal),
  };
}

async function* streamChatAnswer(
  client: OpenAI,
  config: Readonly<TutorConfig>,
  messages: readonly ChatMessage[],
  signal: AbortSignal,
): AsyncGenerator<string, void, undefined> {
  const upstream = new AbortController();
  const abortUpstream = (): void => upstream.abort();
  signal.addEventListener('abort', abortUpstream, { once: true });

  // The client's own timeout ends when the response headers arrive, so a stream
  // that stalls afterwards is caught by this timer, restarted on every chunk.
  let idleTimer: NodeJS.Timeout | undefined;
  let stalled = false;
  const restartIdleTimer = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { stalled = true; upstream.abort(); }, config.timeoutMs);
  };

  try {
    if (signal.aborted) throw new TutorAbortedError();
    let finished = false;
    const stream = await client.chat.completions.create(
      { model: config.model, messages: [...messages], stream: true, max_tokens: config.maxAnswerTokens },
      { signal: upstream.signal },
    );

    restartIdleTimer();
    for await (const chunk of stream) {
      restartIdleTimer();
      const choice = chunk.choices[0];
      const text = choice?.delta?.content;
      if (text) yield text;
      if (choice?.finish_reason) finished = true;
    }

    // The client ends the iteration quietly when the request is aborted, so the reason is checked here.
    if (signal.aborted) throw new TutorAbortedError();
    if (stalled) throw new TutorUpstreamError('unavailable', `upstream sent nothing for ${config.timeoutMs} ms`);
    // NOTE: an answer counts as complete only once a chunk carries finish_reason, as OpenAI's stream format
    // specifies. A compatible server that never sends it would have every answer reported as cut off.
    if (!finished) throw new TutorUpstreamError('unavailable', 'upstream stream ended before the answer finished');
  } catch (error) {
    throw toTutorError(error, signal);
  } finally {
    clearTimeout(idleTimer);
    signal.removeEventListener('abort', abortUpstream);
    // Closes the upstream request when the caller stopped reading early; a no-op after a complete answer.
    upstream.abort();
  }
}

/** Maps client and network errors onto our own, keeping only the status: upstream messages can echo the key. */
function toTutorError(error: unknown, signal: AbortSignal): Error {
  if (error instanceof TutorAbortedError || error instanceof TutorUpstreamError) return error;
  if (signal.aborted || error instanceof APIUserAbortError) return new TutorAbortedError();
  if (error instanceof APIConnectionTimeoutError) return new TutorUpstreamError('unavailable', 'upstream request timed out');
  if (error instanceof APIConnectionError) return new TutorUpstreamError('unavailable', 'upstream connection failed');
  if (error instanceof APIError && error.status === 429) return new TutorUpstreamError('busy', 'upstream rate limit reached', 429);
  if (error instanceof APIError && error.status !== undefined) {
    return new TutorUpstreamError('unavailable', `upstream returned HTTP ${error.status}`, error.status);
  }
  if (error instanceof APIError) return new TutorUpstreamError('unavailable', 'upstream reported an error inside the stream');
  if (error instanceof SyntaxError) return new TutorUpstreamError('unavailable', 'upstream sent a chunk that is not JSON');
  return new TutorUpstreamError('unavailable', `upstream stream failed (${error instanceof Error ? error.name : typeof error})`);
}

/** `fetch` that drops a Retry-After longer than MAX_RETRY_DELAY_MS, so the client falls back to its own backoff. */
async function fetchWithCappedRetryDelay(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok) return response;

  const delayMs = requestedRetryDelayMs(response.headers);
  if (delayMs === undefined || delayMs <= MAX_RETRY_DELAY_MS) return response;

  const headers = new Headers(response.headers);
  headers.delete('retry-after');
  headers.delete('retry-after-ms');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date) the way the client does. */
function requestedRetryDelayMs(headers: Headers): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(milliseconds)) return milliseconds;

  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return undefined;
  const seconds = Number.parseFloat(retryAfter);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : date - Date.now();
}
