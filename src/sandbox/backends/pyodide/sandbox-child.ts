/**
 * One Pyodide child process, seen from the parent: it starts, loads one
 * interpreter, serves exactly one run and is killed. Whatever the child does
 * (crash, hang, flood, nonsense) ends as a RunResult, never as an exception.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

import type { RunLimits, RunResult } from '../../types.js';
import type { ChildLaunch } from './launch.js';
import { OutputCapture } from './output-capture.js';
import { LineSplitter, parseChildMessage, type ChildMessage, type ChildRequest } from './protocol.js';
import { resultOfRun, resultWithoutChild, type RunEnding } from './run-outcome.js';

/** Input of one run. */
export interface ChildRunInput {
  code: string;
  stdin: string;
  limits: Readonly<RunLimits>;
}

/**
 * An output chunk is at most a few KiB of base64; anything near this is not a
 * message the child would write.
 */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Bytes of the child's own stderr kept to tell a heap exhaustion from other crashes. */
const MAX_DIAGNOSTIC_BYTES = 16 * 1024;

/** V8's message when a child passes --max-old-space-size. */
const HEAP_EXHAUSTED = /JavaScript heap out of memory|Reached heap limit/;

type ChildState = 'starting' | 'idle' | 'running' | 'finished';

interface ActiveRun {
  stdout: OutputCapture;
  stderr: OutputCapture;
  startMs: number;
  wallTimer: NodeJS.Timeout;
  resolve: (result: RunResult) => void;
}

/** A child process that loads one interpreter and serves one run. */
export class SandboxChild {
  /** Resolves with the Python version once the interpreter is ready; rejects if it never gets there. */
  readonly ready: Promise<string>;
  /** Resolves once the process has exited and its pipes are closed. */
  readonly exited: Promise<void>;

  readonly #process: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #lines = new LineSplitter(MAX_LINE_BYTES);
  readonly #diagnostics = new OutputCapture(MAX_DIAGNOSTIC_BYTES);
  readonly #readyTimer: NodeJS.Timeout;
  #state: ChildState = 'starting';
  #run: ActiveRun | null = null;
  #resolveReady!: (version: string) => void;
  #rejectReady!: (error: Error) => void;
  #resolveExited!: () => void;
  #hasExited = false;

  constructor(launch: ChildLaunch, readyTimeoutMs: number) {
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // A caller that never awaits `ready` must not cause an unhandled rejection.
    this.ready.catch(() => {});
    this.exited = new Promise((resolve) => {
      this.#resolveExited = resolve;
    });

    // An empty environment: no secret, database URL or NODE_OPTIONS of the
    // service reaches the child or the learner code inside it.
    this.#process = spawn(launch.file, launch.args, { env: {}, cwd: '/', stdio: ['pipe', 'pipe', 'pipe'] });
    this.#readyTimer = setTimeout(() => this.#failStart(`not ready after ${readyTimeoutMs} ms`), readyTimeoutMs);
    this.#listen();
  }

  /** True while the child waits for its run. */
  get isIdle(): boolean {
    return this.#state === 'idle';
  }

  /**
   * Sends the one run this child serves and resolves with its result; never
   * rejects. A child that is not idle (it died after it became ready) yields `killed`.
   */
  run(input: ChildRunInput): Promise<RunResult> {
    if (this.#state !== 'idle') return Promise.resolve(resultWithoutChild(0));

    this.#state = 'running';
    return new Promise((resolve) => {
      this.#run = {
        stdout: new OutputCapture(input.limits.maxOutputBytes),
        stderr: new OutputCapture(input.limits.maxOutputBytes),
        startMs: performance.now(),
        wallTimer: setTimeout(() => this.#finish({ kind: 'wall' }), input.limits.wallMs),
        resolve,
      };
      this.#process.stdin.write(`${JSON.stringify(requestFor(input))}\n`);
    });
  }

  /** Kills the process (SIGKILL) unless it has exited already. */
  kill(): void {
    if (!this.#hasExited) this.#process.kill('SIGKILL');
  }

  #listen(): void {
    const child = this.#process;
    child.stdout.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => this.#diagnostics.append(chunk));
    // Writing the request to a child that just died fails with EPIPE; its exit explains the rest.
    child.stdin.on('error', () => {});
    child.on('error', (error) => this.#onProcessError(error));
    child.on('close', () => this.#onClose());
  }

  #onStdout(chunk: Buffer): void {
    const lines = this.#lines.push(chunk);
    if (lines === null) {
      this.#onViolation('a line longer than the protocol allows');
      return;
    }
    for (const line of lines) {
      const message = parseChildMessage(line);
      if (message === null) {
        this.#onViolation('a line that is not a valid message');
        return;
      }
      this.#onMessage(message);
    }
  }

  #onMessage(message: ChildMessage): void {
    if (this.#state === 'starting' && message.type === 'ready') {
      clearTimeout(this.#readyTimer);
      this.#state = 'idle';
      this.#resolveReady(message.pythonVersion);
      return;
    }
    if (this.#state === 'starting' && message.type === 'failed') {
      this.#failStart(message.message);
      return;
    }
    if (this.#state !== 'running') {
      this.#onViolation(`a '${message.type}' message while ${this.#state}`);
      return;
    }
    this.#onRunMessage(message);
  }

  #onRunMessage(message: ChildMessage): void {
    const run = this.#run;
    if (run === null) return;

    switch (message.type) {
      case 'output': {
        const capture = message.stream === 'stdout' ? run.stdout : run.stderr;
        if (!capture.append(message.bytes)) this.#finish({ kind: 'output' });
        return;
      }
      case 'done':
        this.#finish({ kind: 'exited', exitCode: message.exitCode, uncaught: message.uncaught });
        return;
      case 'limit':
        this.#finish({ kind: 'limit', limit: message.limit });
        return;
      case 'failed':
        this.#finish({ kind: 'failed', message: message.message });
        return;
      case 'ready':
        this.#onViolation("a second 'ready' message");
        return;
    }
  }

  #onViolation(what: string): void {
    if (this.#state === 'starting') this.#failStart(`sent ${what}`);
    else if (this.#state === 'running') this.#finish({ kind: 'failed', message: `sent ${what}` });
    this.kill();
  }

  #onProcessError(error: Error): void {
    if (this.#state === 'starting') this.#failStart(error.message);
    else if (this.#state === 'running') this.#finish({ kind: 'failed', message: error.message });
    // A process that never started emits no 'close'.
    if (this.#process.pid === undefined) this.#onClose();
  }

  #onClose(): void {
    if (this.#hasExited) return;
    this.#hasExited = true;

    const diagnostics = this.#diagnostics.text(true);
    if (this.#state === 'starting') this.#failStart(`exited before it was ready: ${diagnostics.trim() || 'no message'}`);
    if (this.#state === 'running') {
      this.#finish(HEAP_EXHAUSTED.test(diagnostics) ? { kind: 'heap' } : { kind: 'failed', message: 'exited during the run' });
    }
    this.#state = 'finished';
    this.#resolveExited();
  }

  #failStart(reason: string): void {
    if (this.#state !== 'starting') return;
    clearTimeout(this.#readyTimer);
    this.#state = 'finished';
    this.#rejectReady(new Error(`The Pyodide sandbox process failed to start: ${reason}`));
    this.kill();
  }

  /** Ends the run with `ending`, kills the child and resolves the run once the child is gone. */
  #finish(ending: RunEnding): void {
    const run = this.#run;
    if (this.#state !== 'running' || run === null) return;

    this.#state = 'finished';
    clearTimeout(run.wallTimer);
    const durationMs = Math.round(performance.now() - run.startMs);
    const truncated = run.stdout.cut || run.stderr.cut || ending.kind === 'output' || isOutputLimit(ending);
    const output = { stdout: run.stdout.text(truncated), stderr: run.stderr.text(truncated), truncated };
    const result = resultOfRun(ending, output, durationMs);

    this.kill();
    void this.exited.then(() => run.resolve(result));
  }
}

function isOutputLimit(ending: RunEnding): boolean {
  return ending.kind === 'limit' && ending.limit === 'output';
}

function requestFor(input: ChildRunInput): ChildRequest {
  const { cpuMs, memoryBytes, maxFileBytes, maxOutputBytes } = input.limits;
  return { code: input.code, stdin: input.stdin, limits: { cpuMs, memoryBytes, maxFileBytes, maxOutputBytes } };
}
