/**
 * Turns the outcome of a sandboxed run into the RunResult returned to the caller.
 */
import { constants as osConstants } from 'node:os';

import type { RunLimits, RunResult, RunStatus } from '../../types.js';
import type { ProcessOutcome } from './run-process.js';

/** Facts read from the run's cgroups before they were removed. */
export interface CgroupFacts {
  oomKills: number;
  /** null without a cpuacct cgroup. */
  cpuUsageMs: number | null;
}

/** bwrap exits with 128 + n when the sandboxed command died of signal n, as shells do. */
const SIGNAL_EXIT_BASE = 128;
const MAX_SIGNAL_NUMBER = 64;

const SIGKILL_EXIT = SIGNAL_EXIT_BASE + osConstants.signals.SIGKILL;
const SIGXCPU_EXIT = SIGNAL_EXIT_BASE + osConstants.signals.SIGXCPU;

/** Python's last traceback line when an allocation failed, as under RLIMIT_AS. */
const MEMORY_ERROR_LINE = /^MemoryError\b/m;

/** Builds the RunResult of a run whose sandbox was set up (or that the service stopped). */
export function classifyRun(outcome: ProcessOutcome, facts: CgroupFacts, limits: Readonly<RunLimits>): RunResult {
  const status = runStatus(outcome, facts, limits);
  // Python's own exit code, or null when the process was killed rather than exiting.
  const exitCode = outcome.stopReason !== null || isSignalExit(outcome.exitCode) ? null : outcome.exitCode;

  return {
    status,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    exitCode,
    durationMs: outcome.durationMs,
    truncated: outcome.truncated,
  };
}

/** Builds the `killed` result of a run whose sandbox could not be set up. */
export function failedStartResult(message: string, durationMs: number): RunResult {
  return { status: 'killed', stdout: '', stderr: `${message}\n`, exitCode: null, durationMs, truncated: false };
}

function runStatus(outcome: ProcessOutcome, facts: CgroupFacts, limits: Readonly<RunLimits>): RunStatus {
  if (outcome.stopReason === 'output') return 'output_limit';
  if (outcome.stopReason === 'wall') return 'timeout';
  if (outcome.stopReason === 'closed') return 'killed';

  const exitCode = outcome.exitCode;
  if (exitCode === 0) return 'ok';
  if (facts.oomKills > 0) return 'memory_limit';
  if (exitCode === SIGXCPU_EXIT) return 'timeout';
  if (exitCode === SIGKILL_EXIT && usedWholeCpuLimit(outcome, facts, limits)) return 'timeout';
  if (exitCode !== null && MEMORY_ERROR_LINE.test(outcome.stderr)) return 'memory_limit';
  if (exitCode === null || isSignalExit(exitCode)) return 'killed';
  return 'error';
}

/**
 * RLIMIT_CPU's hard limit ends code that ignores SIGXCPU with SIGKILL, which looks
 * like any other SIGKILL. The cgroup's CPU time distinguishes them.
 */
function usedWholeCpuLimit(outcome: ProcessOutcome, facts: CgroupFacts, limits: Readonly<RunLimits>): boolean {
  // NOTE: without a cpuacct cgroup the wall time replaces CPU time, so a
  // process that kills itself with SIGKILL after `cpuMs` also reads as a timeout.
  const usedMs = facts.cpuUsageMs ?? outcome.durationMs;
  return usedMs >= limits.cpuMs;
}

function isSignalExit(exitCode: number | null): boolean {
  return exitCode !== null && exitCode > SIGNAL_EXIT_BASE && exitCode <= SIGNAL_EXIT_BASE + MAX_SIGNAL_NUMBER;
}
