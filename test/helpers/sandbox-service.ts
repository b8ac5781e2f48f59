import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createBackend } from '../../src/sandbox/backends/select.js';
import { buildSandboxApp } from '../../src/sandbox/service/app.js';
import { DEFAULT_RUN_LIMITS, type BackendName, type RunLimits } from '../../src/sandbox/types.js';

export interface RunningSandbox {
  url: URL;
  secret: string;
  backend: BackendName;
  close(): Promise<void>;
}

/** Starts the real sandbox service with the named backend on a free loopback port. */
export async function startSandboxService(backendName: BackendName, options: { limits?: RunLimits; concurrency?: number; queueMax?: number } = {}): Promise<RunningSandbox> {
  const limits = options.limits ?? DEFAULT_RUN_LIMITS;
  const backend = await createBackend(backendName, { limits, pyodidePoolSize: 2 });
  await backend.start();

  const secret = randomBytes(32).toString('hex');
  const app = buildSandboxApp({ backend, secret, limits, concurrency: options.concurrency ?? 2, queueMax: options.queueMax ?? 16 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;

  return {
    url: new URL(`http://127.0.0.1:${port}`),
    secret,
    backend: backendName,
    close: async () => {
      await app.close();
      await backend.close();
    },
  };
}
