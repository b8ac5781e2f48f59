import type { RunLimits } from '../../types.js';

const LIMIT_NAMES = ['cpuMs', 'wallMs', 'memoryBytes', 'maxProcesses', 'maxFileBytes', 'maxOutputBytes'] as const;

/**
 * Returns the limits for one run: each requested value when it is a positive number
 * no larger than the backend's own limit, and the backend's limit otherwise, so a
 * request can only lower limits.
 */
export function effectiveLimits(backendLimits: Readonly<RunLimits>, requested: Partial<RunLimits> | undefined): RunLimits {
  const limits = { ...backendLimits };
  if (!requested) return limits;

  for (const name of LIMIT_NAMES) {
    const value = requested[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) continue;
    limits[name] = Math.min(limits[name], Math.floor(value));
  }
  return limits;
}

/** Throws when a configured limit is not a positive integer, naming the limit. */
export function validateLimits(limits: Readonly<RunLimits>): void {
  for (const name of LIMIT_NAMES) {
    const value = limits[name];
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`Invalid sandbox limit ${name}: ${String(value)}. Use a positive integer.`);
    }
  }
}

/** Values handed to prlimit(1) for the sandboxed Python process. */
export interface ProcessRlimits {
  cpuSoftSeconds: number;
  cpuHardSeconds: number;
  addressSpaceBytes: number;
  maxTasks: number;
  maxFileBytes: number;
  maxOpenFiles: number;
  stackBytes: number;
}

/**
 * Thread stacks default to RLIMIT_STACK and every stack is reserved against
 * RLIMIT_AS. With 8 MiB stacks a 128 MB address space fits about 14 threads. With
 * 2 MiB it fits about 25, close to the process limit, and Python 3.11 still
 * recurses 50,000 Python frames deep (measured with Debian's python3.11).
 */
const STACK_BYTES = 2 * 1024 * 1024;

/** Enough descriptors for ordinary file work, few enough that no run exhausts the host's. */
const MAX_OPEN_FILES = 64;

/**
 * Derives the per-process rlimits of a run.
 *
 * RLIMIT_CPU counts whole seconds: the soft limit sends SIGXCPU, and the hard limit
 * one second later sends SIGKILL to code that ignores SIGXCPU. RLIMIT_NPROC counts
 * threads as well as processes of the sandbox user, including the sandbox's own
 * init process, hence the extra task.
 */
export function processRlimits(limits: Readonly<RunLimits>): ProcessRlimits {
  const cpuSoftSeconds = Math.max(1, Math.ceil(limits.cpuMs / 1000));
  return {
    cpuSoftSeconds,
    cpuHardSeconds: cpuSoftSeconds + 1,
    addressSpaceBytes: limits.memoryBytes,
    maxTasks: limits.maxProcesses + 1,
    maxFileBytes: limits.maxFileBytes,
    maxOpenFiles: MAX_OPEN_FILES,
    stackBytes: STACK_BYTES,
  };
}
