import 'dotenv/config';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm start`: runs the sandbox service and the web app as two processes, with a
 * fresh shared secret when none is configured, restarts the sandbox service if it
 * dies, and stops both on Ctrl-C.
 */
const SRC_DIR = path.dirname(fileURLToPath(import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;
/** A sandbox that dies this many times within RESTART_WINDOW_MS is left down, so a broken host does not loop forever. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;

/** Variables the sandbox service may see; it never gets the database URL or other app secrets. */
const SANDBOX_ENV_NAMES = ['NODE_ENV', 'LOG_LEVEL', 'PATH', 'LANG'];

interface Children {
  sandbox: ChildProcess | null;
  web: ChildProcess | null;
  stopping: boolean;
}

async function main(): Promise<void> {
  const secret = process.env.SANDBOX_SECRET ?? randomBytes(32).toString('hex');
  const sandboxHost = process.env.SANDBOX_HOST ?? '127.0.0.1';
  const sandboxPort = process.env.SANDBOX_PORT ?? '3001';
  const sandboxEnvironment = { ...sandboxEnv(), SANDBOX_SECRET: secret, SANDBOX_HOST: sandboxHost, SANDBOX_PORT: sandboxPort };
  const children: Children = { sandbox: null, web: null, stopping: false };

  const stopAll = (code: number): void => {
    children.stopping = true;
    for (const child of [children.sandbox, children.web]) if (child && child.exitCode === null) child.kill('SIGTERM');
    process.exitCode = code;
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  children.sandbox = await startSandbox(sandboxEnvironment, children, stopAll);

  const web = startChild('web/server.ts', { ...process.env, SANDBOX_SECRET: secret, SANDBOX_URL: process.env.SANDBOX_URL ?? `http://${sandboxHost}:${sandboxPort}` });
  children.web = web;
  web.on('exit', (code, signal) => {
    if (children.stopping) return;
    console.error(`web app exited (${describeExit(code, signal)}); stopping the sandbox service`);
    stopAll(code ?? 1);
  });
  await waitForListening(web, 'web app');

  const url = process.env.PUBLIC_URL ?? `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '3000'}`;
  console.log(`\nLearnPython is running at ${url}  (Ctrl-C stops it)\n`);
}

/** Starts the sandbox service and restarts it when it exits unexpectedly; the web app responds with 503 meanwhile. */
async function startSandbox(env: NodeJS.ProcessEnv, children: Children, stopAll: (code: number) => void): Promise<ChildProcess> {
  const restartTimes: number[] = [];

  const launch = (): ChildProcess => {
    const child = startChild('sandbox/service/server.ts', env);
    child.on('exit', (code, signal) => {
      if (children.stopping) return;
      const now = Date.now();
      while (restartTimes.length > 0 && now - restartTimes[0]! > RESTART_WINDOW_MS) restartTimes.shift();
      if (restartTimes.length >= MAX_RESTARTS) {
        console.error(`sandbox service exited (${describeExit(code, signal)}) ${MAX_RESTARTS} times within a minute; stopping`);
        stopAll(1);
        return;
      }
      restartTimes.push(now);
      console.error(`sandbox service exited (${describeExit(code, signal)}); restarting in ${RESTART_DELAY_MS / 1000} s`);
      setTimeout(() => {
        if (children.stopping) return;
        children.sandbox = launch();
        waitForListening(children.sandbox, 'sandbox service').catch((error: Error) => console.error(error.message));
      }, RESTART_DELAY_MS);
    });
    return child;
  };

  const first = launch();
  try {
    await waitForListening(first, 'sandbox service');
  } catch (error) {
    children.stopping = true;
    first.kill('SIGTERM');
    throw error;
  }
  return first;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
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
