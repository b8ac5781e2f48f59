/**
 * One timed `print("hi")` along each measured path. Every function returns the
 * round-trip time in ms and throws when the run did not print exactly "hi".
 */
import { spawn } from 'node:child_process';
import type { TestClient } from '../test/helpers/http-client.js';
import type { RunningSandbox } from '../test/helpers/sandbox-service.js';
import { BARE_PYTHON_PATH } from './machine.js';

export const BENCH_CODE = 'print("hi")';
const EXPECTED_STDOUT = 'hi\n';

/** Maximum time one run may take before it counts as failed, far above any normal run. */
const RUN_TIMEOUT_MS = 30_000;

/** Spawns `/usr/bin/python3 -c 'print("hi")'` without any sandbox and waits for it to exit. */
export async function timeBarePython(): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(BARE_PYTHON_PATH, ['-c', BENCH_CODE], { stdio: ['ignore', 'pipe', 'ignore'], timeout: RUN_TIMEOUT_MS });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => { stdout += chunk; });

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const elapsedMs = performance.now() - startedAt;
  if (exitCode !== 0 || stdout !== EXPECTED_STDOUT) {
    throw new Error(`bare python3 exited with ${exitCode} and printed ${JSON.stringify(stdout)}`);
  }
  return elapsedMs;
}

/** Sends the code straight to the sandbox service's POST /v1/execute, as the web app does. */
export async function timeSandboxService(sandbox: RunningSandbox): Promise<number> {
  const startedAt = performance.now();
  const response = await fetch(new URL('/v1/execute', sandbox.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-secret': sandbox.secret },
    body: JSON.stringify({ code: BENCH_CODE, stdin: '' }),
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  });
  const body: unknown = await response.json().catch(() => null);
  const elapsedMs = performance.now() - startedAt;
  assertPrintedHi('sandbox service', response.status, body);
  return elapsedMs;
}

/** Runs the code through the web app's POST /api/run as the signed-in client. */
export async function timeWebAppRun(client: TestClient): Promise<number> {
  const startedAt = performance.now();
  const response = await client.request('POST', '/api/run', { code: BENCH_CODE });
  const elapsedMs = performance.now() - startedAt;
  assertPrintedHi('web app', response.status, response.body);
  return elapsedMs;
}

/** True when a run result body shows a successful run that printed exactly "hi". */
export function isExpectedResult(status: number, body: unknown): boolean {
  const result = body as { status?: unknown; stdout?: unknown } | null;
  return status === 200 && result?.status === 'ok' && result.stdout === EXPECTED_STDOUT;
}

function assertPrintedHi(path: string, status: number, body: unknown): void {
  if (!isExpectedResult(status, body)) {
    throw new Error(`${path} responded HTTP ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}
