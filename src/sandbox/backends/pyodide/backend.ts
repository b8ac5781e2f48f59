/**
 * The Pyodide backend: every run gets a fresh interpreter in a child process
 * of its own, taken warm from a pool. index.ts describes the layers.
 */
import { DEFAULT_RUN_LIMITS, type RunLimits, type RunRequest, type RunResult, type SandboxBackend } from '../../types.js';
import { ChildPool } from './child-pool.js';
import { buildChildLaunch, childFolder, resolvePyodideFolder } from './launch.js';
import { assertValidLimits, limitsForRun } from './limits.js';
import { resultWithoutChild } from './run-outcome.js';

/** Options of createPyodideBackend. */
export interface PyodideBackendOptions {
  /** Loaded interpreters kept waiting for runs; default 2. */
  poolSize?: number;
  /** The backend's own limits; a request can only lower them. */
  limits?: RunLimits;
  /** How long a child may take to load its interpreter; default 30 s. */
  readyTimeoutMs?: number;
}

const DEFAULT_POOL_SIZE = 2;

/**
 * Loading takes about 2 s of CPU on an idle core. The margin covers a host whose
 * cores are busy with runs and with other children loading.
 */
const DEFAULT_READY_TIMEOUT_MS = 30_000;

export class PyodideBackend implements SandboxBackend {
  readonly name = 'pyodide' as const;

  readonly #limits: Readonly<RunLimits>;
  readonly #poolSize: number;
  readonly #readyTimeoutMs: number;
  #pool: ChildPool | null = null;
  #starting: Promise<void> | null = null;
  #version: string | null = null;
  #closed = false;

  constructor(options: PyodideBackendOptions = {}) {
    const limits = { ...(options.limits ?? DEFAULT_RUN_LIMITS) };
    assertValidLimits(limits);
    this.#limits = Object.freeze(limits);
    this.#poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    if (!Number.isSafeInteger(this.#poolSize) || this.#poolSize < 1) {
      throw new RangeError(`Invalid Pyodide pool size: ${String(options.poolSize)}. Use a positive integer.`);
    }
  }

  /** Starts the pool and waits for its first interpreter; rejects if none can load. */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The Pyodide backend is closed and cannot start again.'));
    this.#starting ??= this.#startPool().catch(async (error: unknown) => {
      this.#starting = null;
      await this.#closePool();
      throw error;
    });
    return this.#starting;
  }

  pythonVersion(): string {
    if (this.#version === null) throw new Error('The Pyodide backend has not started; call start() first.');
    return this.#version;
  }

  async run(request: RunRequest): Promise<RunResult> {
    const pool = this.#pool;
    if (this.#closed || pool === null || this.#version === null) return resultWithoutChild(0);

    const limits = limitsForRun(this.#limits, request.limits);
    let child;
    try {
      child = await pool.acquire();
    } catch {
      return resultWithoutChild(0);
    }
    return child.run({ code: String(request.code), stdin: String(request.stdin ?? ''), limits });
  }

  async close(): Promise<void> {
    this.#closed = true;
    // Closing the pool first also ends a start() that still waits for its first child.
    const closing = this.#closePool();
    await this.#starting?.catch(() => {});
    await closing;
  }

  async #startPool(): Promise<void> {
    const launch = buildChildLaunch(resolvePyodideFolder(), childFolder(), this.#limits);
    const pool = new ChildPool({ size: this.#poolSize, launch, readyTimeoutMs: this.#readyTimeoutMs });
    this.#pool = pool;
    this.#version = await pool.start();
  }

  async #closePool(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    await pool?.close();
  }
}
