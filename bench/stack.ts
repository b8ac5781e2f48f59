import { newAccount, TestClient } from '../test/helpers/http-client.js';
import { startSandboxService, type RunningSandbox } from '../test/helpers/sandbox-service.js';
import { startWebApp, type RunningWebApp } from '../test/helpers/web-app.js';
import type { BackendName } from '../src/sandbox/types.js';

/** Limits raised far above any rate this benchmark reaches, so throttling does not distort its numbers. */
const UNTHROTTLED_ENV: Record<string, string> = {
  // 10000 is the largest value the web app accepts for the per-user limit.
  RUNS_PER_MINUTE_PER_USER: '10000',
  RUNS_PER_MINUTE_PER_IP: '100000',
  // Every benchmark account registers from 127.0.0.1.
  AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '10000',
};

/** The sandbox service and the web app in front of it, with signed-in clients. */
export interface BenchStack {
  backend: BackendName;
  sandbox: RunningSandbox;
  web: RunningWebApp;
  /** One client per account; the web app allows one run in flight per account. */
  clients: TestClient[];
  /** Python version the sandbox service reports on /healthz. */
  pythonVersion: string;
  close(): Promise<void>;
}

export interface StackSettings {
  concurrency: number;
  queueMax: number;
  accountCount: number;
  logProgress: (message: string) => void;
}

/**
 * Starts the real sandbox service with `backend` and the real web app (PGlite in
 * memory) on free loopback ports, and registers `accountCount` accounts. On
 * failure it closes whatever it started before rethrowing.
 */
export async function startBenchStack(backend: BackendName, settings: StackSettings): Promise<BenchStack> {
  const sandbox = await startSandboxService(backend, { concurrency: settings.concurrency, queueMax: settings.queueMax });
  settings.logProgress(`${backend}: sandbox service ready`);
  let web: RunningWebApp | null = null;
  try {
    web = await startWebApp({ sandboxUrl: sandbox.url, sandboxSecret: sandbox.secret, env: UNTHROTTLED_ENV });
    settings.logProgress(`${backend}: web app ready, registering ${settings.accountCount} accounts`);
    const clients = await registerClients(web.baseUrl, settings.accountCount);
    const pythonVersion = await readPythonVersion(sandbox);
    const running = web;
    return {
      backend,
      sandbox,
      web: running,
      clients,
      pythonVersion,
      close: async () => {
        try {
          await running.close();
        } finally {
          await sandbox.close();
        }
      },
    };
  } catch (error) {
    await web?.close().catch(() => undefined);
    await sandbox.close().catch(() => undefined);
    throw error;
  }
}

async function registerClients(baseUrl: string, count: number): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  // One at a time, because each registration hashes a password with Argon2id and the host is shared.
  for (let index = 0; index < count; index += 1) {
    const client = new TestClient(baseUrl);
    const response = await client.request('POST', '/api/auth/register', newAccount());
    if (response.status !== 201) {
      throw new Error(`Registering benchmark account ${index + 1} failed with HTTP ${response.status}: ${JSON.stringify(response.body)}`);
    }
    clients.push(client);
  }
  return clients;
}

async function readPythonVersion(sandbox: RunningSandbox): Promise<string> {
  const response = await fetch(new URL('/healthz', sandbox.url), { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { pythonVersion?: unknown };
  return String(body.pythonVersion);
}
