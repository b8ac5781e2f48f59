/** JSON requests to the app's API with the CSRF header, returning either the data or the API's error shape. */

/** The `error` object of every JSON error response. */
export interface ApiError {
  code: string;
  message: string;
  /** Input field name to what is wrong with it, for `invalid_input`. */
  fields?: Record<string, string>;
}

/** Outcome of one API request; `status` is 0 when the server could not be reached. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; error: ApiError; retryAfterSeconds: number | null };

const CSRF_HEADER = 'x-csrf-token';

/** Reads the CSRF token that the layout puts in `<meta name="csrf-token">`. */
export function readCsrfToken(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]');
  return meta?.content ?? '';
}

/**
 * Sends `body` as JSON with POST and the CSRF header.
 * A `csrf_invalid` rejection is retried once with a fresh token from `GET /api/csrf`,
 * because the token in the page goes stale when the session changes in another tab.
 */
export async function postJson<T>(path: string, body?: unknown): Promise<ApiResult<T>> {
  const first = await sendJson<T>(path, body, readCsrfToken());
  if (first.ok || first.status !== 403 || first.error.code !== 'csrf_invalid') return first;

  const freshToken = await fetchCsrfToken();
  if (!freshToken) return first;
  storeCsrfToken(freshToken);
  return sendJson<T>(path, body, freshToken);
}

/**
 * Parses a Retry-After header (seconds, or an HTTP date) into whole seconds from now.
 * Returns null when the header is missing or malformed.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);

  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Formats a wait in seconds as a phrase such as "in 45 seconds" or "in about 2 minutes". */
export function describeWait(seconds: number | null): string {
  if (seconds === null || seconds <= 1) return 'in a moment';
  if (seconds < 90) return `in ${seconds} seconds`;
  return `in about ${Math.round(seconds / 60)} minutes`;
}

async function sendJson<T>(path: string, body: unknown, csrfToken: string): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', [CSRF_HEADER]: csrfToken };
  if (body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    return networkFailure();
  }

  const payload = await readJsonBody(response);
  if (response.ok) return { ok: true, status: response.status, data: payload as T };

  return {
    ok: false,
    status: response.status,
    error: toApiError(payload, response.status),
    retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
  };
}

async function fetchCsrfToken(): Promise<string | null> {
  try {
    const response = await fetch('/api/csrf', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) return null;
    const payload = (await readJsonBody(response)) as { token?: unknown } | null;
    return typeof payload?.token === 'string' ? payload.token : null;
  } catch {
    return null;
  }
}

function storeCsrfToken(token: string): void {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]');
  if (meta) meta.content = token;
}

async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function toApiError(payload: unknown, status: number): ApiError {
  const error = (payload as { error?: unknown } | null)?.error;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return { code: 'unexpected_response', message: `The server sent an unexpected response (HTTP ${status}). Try again in a moment.` };
  }

  const result: ApiError = { code: error.code, message: error.message };
  if (isRecord(error.fields)) result.fields = stringEntries(error.fields);
  return result;
}

function networkFailure(): ApiResult<never> {
  return {
    ok: false,
    status: 0,
    error: { code: 'network_error', message: 'Could not reach the server. Check your connection and try again.' },
    retryAfterSeconds: null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringEntries(record: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}
