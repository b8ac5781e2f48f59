import { RUN_STATUSES, type RunResult } from './types.js';

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError';
}

export class SandboxBusyError extends Error {
  override name = 'SandboxBusyError';
  constructor(readonly retryAfterSeconds: number) {
    super('every sandbox slot is busy');
  }
}

export interface SandboxClient {
  /** Sends code to the sandbox service; throws SandboxUnavailableError or SandboxBusyError, never a raw network error. */
  execute(request: { code: string; stdin: string }): Promise<RunResult>;
  /** Resolves when the service passes its health check within the timeout. */
  ping(): Promise<{ backend: string; pythonVersion: string }>;
}

/** Creates the web app's client for the sandbox service at `baseUrl`, authenticated by the shared secret. */
export function createSandboxClient(options: { baseUrl: URL; secret: string; timeoutMs: number }): SandboxClient {
  const executeUrl = new URL('/v1/execute', options.baseUrl);
  const healthUrl = new URL('/healthz', options.baseUrl);

  return {
    async execute(request) {
      let response: Response;
      try {
        response = await fetch(executeUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-sandbox-secret': options.secret },
          body: JSON.stringify({ code: request.code, stdin: request.stdin }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw new SandboxUnavailableError(`sandbox request failed: ${(error as Error).message}`);
      }

      if (response.status === 503) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await response.body?.cancel();
        throw new SandboxBusyError(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new SandboxUnavailableError(`sandbox responded with HTTP ${response.status}`);
      }
      return parseRunResult(await response.json().catch(() => null));
    },

    async ping() {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(Math.min(options.timeoutMs, 3_000)) });
      if (!response.ok) throw new SandboxUnavailableError(`sandbox health check responded with HTTP ${response.status}`);
      const body = (await response.json()) as { backend?: unknown; pythonVersion?: unknown };
      return { backend: String(body.backend), pythonVersion: String(body.pythonVersion) };
    },
  };
}

/** Checks the service's response field by field, so a broken or hostile sandbox cannot pass odd data to the page. */
function parseRunResult(body: unknown): RunResult {
  const value = body as Partial<RunResult> | null;
  const valid = value !== null && typeof value === 'object'
    && RUN_STATUSES.includes(value.status as RunResult['status'])
    && typeof value.stdout === 'string' && typeof value.stderr === 'string'
    && (value.exitCode === null || typeof value.exitCode === 'number')
    && typeof value.durationMs === 'number' && typeof value.truncated === 'boolean';
  if (!valid) throw new SandboxUnavailableError('sandbox returned a malformed result');

  const result: RunResult = {
    status: value.status!, stdout: value.stdout!, stderr: value.stderr!,
    exitCode: value.exitCode ?? null, durationMs: value.durationMs!, truncated: value.truncated!,
  };
  const explanation = value.explanation;
  if (explanation && typeof explanation.summary === 'string' && typeof explanation.hint === 'string' && typeof explanation.errorType === 'string') {
    result.explanation = { line: typeof explanation.line === 'number' ? explanation.line : null, errorType: explanation.errorType, summary: explanation.summary, hint: explanation.hint };
  }
  return result;
}
