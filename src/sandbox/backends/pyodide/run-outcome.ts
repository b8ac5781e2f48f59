/**
 * Turns the end of a child's run into the RunResult that the browser receives.
 */
import type { RunResult, RunStatus } from '../../types.js';
import type { ChildLimitName } from './protocol.js';

/** The end of a run, as the parent observed it. */
export type RunEnding =
  | { kind: 'exited'; exitCode: number; uncaught: string | null }
  | { kind: 'limit'; limit: ChildLimitName }
  | { kind: 'wall' }
  | { kind: 'output' }
  | { kind: 'heap' }
  | { kind: 'failed'; message: string };

/** Output of the run, already cut to the output limit. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
  truncated: boolean;
}

/** Appended to stderr of a run that the backend could not complete. */
export const BACKEND_FAILURE_MESSAGE = 'The Python sandbox stopped unexpectedly. Please run the code again.';

/** Builds the RunResult of a run that reached a child. */
export function resultOfRun(ending: RunEnding, output: CapturedOutput, durationMs: number): RunResult {
  const status = statusOf(ending);
  const exitCode = ending.kind === 'exited' ? ending.exitCode : null;
  const stderr = status === 'killed' ? appendLine(output.stderr, BACKEND_FAILURE_MESSAGE) : output.stderr;
  const truncated = output.truncated || status === 'output_limit';

  return { status, stdout: output.stdout, stderr, exitCode, durationMs, truncated };
}

/** Builds the `killed` result of a run that never reached a child. */
export function resultWithoutChild(durationMs: number): RunResult {
  return { status: 'killed', stdout: '', stderr: `${BACKEND_FAILURE_MESSAGE}\n`, exitCode: null, durationMs, truncated: false };
}

function statusOf(ending: RunEnding): RunStatus {
  switch (ending.kind) {
    case 'exited':
      if (ending.exitCode === 0) return 'ok';
      // Python's allocator failed at the wasm memory cap.
      return ending.uncaught === 'MemoryError' ? 'memory_limit' : 'error';
    case 'limit':
      if (ending.limit === 'cpu') return 'timeout';
      return ending.limit === 'memory' ? 'memory_limit' : 'output_limit';
    case 'wall':
      return 'timeout';
    case 'output':
      return 'output_limit';
    case 'heap':
      return 'memory_limit';
    case 'failed':
      return 'killed';
  }
}

function appendLine(text: string, line: string): string {
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${line}\n`;
}
