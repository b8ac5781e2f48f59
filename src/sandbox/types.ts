/**
 * Plain, serializable types shared by the sandbox service, its backends and the
 * web app's sandbox client. Nothing here depends on HTTP.
 */

/** Outcome of a run, as reported to the browser. */
export type RunStatus = 'ok' | 'error' | 'timeout' | 'memory_limit' | 'output_limit' | 'killed';

export const RUN_STATUSES: readonly RunStatus[] = ['ok', 'error', 'timeout', 'memory_limit', 'output_limit', 'killed'];

/** Hard limits for one run. A request may lower them but never raise them. */
export interface RunLimits {
  cpuMs: number;
  wallMs: number;
  memoryBytes: number;
  maxProcesses: number;
  /** Total bytes the run may write to files in its working folder and /tmp. */
  maxFileBytes: number;
  /** Bytes of stdout and of stderr, each, returned to the caller. */
  maxOutputBytes: number;
}

/** The limits from the original specification: 2 s CPU, 5 s wall, 128 MB, 32 processes, 1 MB written. */
export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = Object.freeze({
  cpuMs: 2_000,
  wallMs: 5_000,
  memoryBytes: 128 * 1024 * 1024,
  maxProcesses: 32,
  maxFileBytes: 1024 * 1024,
  maxOutputBytes: 64 * 1024,
});

export interface RunRequest {
  code: string;
  stdin: string;
  limits: RunLimits;
}

/** A beginner-level explanation of an uncaught exception or a syntax error, built without AI. */
export interface ErrorExplanation {
  line: number | null;
  errorType: string;
  summary: string;
  hint: string;
}

export interface RunResult {
  status: RunStatus;
  stdout: string;
  stderr: string;
  /** Process exit code; null when the run was killed before it exited. */
  exitCode: number | null;
  durationMs: number;
  /** True when stdout or stderr was cut at `maxOutputBytes`. */
  truncated: boolean;
  explanation?: ErrorExplanation;
}

export type BackendName = 'bubblewrap' | 'pyodide';

/**
 * One isolation backend. `run` never throws for anything the learner's code does:
 * every outcome, including the backend's own failure to start a run, becomes a
 * RunResult (a backend failure is `killed` with a message on stderr).
 */
export interface SandboxBackend {
  readonly name: BackendName;
  /** Prepares the backend (pools, cgroups); rejects when the backend cannot work on this host. */
  start(): Promise<void>;
  /** Python version string of the interpreter, such as "3.11.2". Valid after start(). */
  pythonVersion(): string;
  run(request: RunRequest): Promise<RunResult>;
  /** Stops pools and child processes; resolves once nothing is left running. */
  close(): Promise<void>;
}
