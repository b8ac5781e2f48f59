import 'dotenv/config';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm start`: runs the sandbox service and the web app as two processes, with a
 * fresh shared secret when none is configured, and stops both on Ctrl-C.
 */
const SRC_DIR = path.dirname(fileURLToPath(import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;

/** Variables the sandbox service may see; it never gets the database URL or other app secrets. */
const SANDBOX_ENV_NAMES = ['NODE_ENV', 'LOG_LEVEL', 'PATH', 'LANG'];

async function main(): Promise<void> {
  const secret = process.env.SANDBOX_SECRET ?? randomBytes(32).toString('hex');
  const sandboxHost = process.env.SANDBOX_HOST ?? '127.0.0.1';
  const sandboxPort = process.env.SANDBOX_PORT ?? '3001';
  const children: ChildProcess[] = [];

  const stopAll = (code: number): void => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    process.exitCode = code;
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const sandbox = startChild('sandbox/service/server.ts', { ...sandboxEnv(), SANDBOX_SECRET: secret, SANDBOX_HOST: sandboxHost, SANDBOX_PORT: sandboxPort });
  children.push(sandbox);
  sandbox.on('exit', (code) => { console.error(`sandbox service exited (code ${code ?? 'signal'})`); stopAll(code ?? 1); });
  await waitForListening(sandbox, 'sandbox service');

  const web = startChild('web/server.ts', { ...process.env, SANDBOX_SECRET: secret, SANDBOX_URL: process.env.SANDBOX_URL ?? `http://${sandboxHost}:${sandboxPort}` });
  children.push(web);
  web.on('exit', (code) => { console.error(`web app exited (code ${code ?? 'signal'})`); stopAll(code ?? 1); });
  await waitForListening(web, 'web app');

  const url = process.env.PUBLIC_URL ?? `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '3000'}`;
  console.log(`\nLearnPython is running at ${url}  (Ctrl-C stops it)\n`);
}

function sandboxEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('SANDBOX_') || SANDBOX_ENV_NAMES.includes(name)) env[name] = value;
  }
  return env;
}

function startChild(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  return fork(path.join(SRC_DIR, entry), [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function waitForListening(child: ChildProcess, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    child.on('message', (message: { type?: string }) => {
      if (message?.type !== 'listening') return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', () => { clearTimeout(timer); reject(new Error(`${label} exited during start-up`)); });
  });
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
