/**
 * Limits of the Pyodide backend: its own, and those of one run.
 */
import type { RunLimits } from '../../types.js';

const LIMIT_NAMES = ['cpuMs', 'wallMs', 'memoryBytes', 'maxProcesses', 'maxFileBytes', 'maxOutputBytes'] as const;

/** Throws a RangeError naming the first limit that is not a positive safe integer. */
export function assertValidLimits(limits: Readonly<RunLimits>): void {
  for (const name of LIMIT_NAMES) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Invalid sandbox limit ${name}: ${String(value)}. Use a positive integer.`);
    }
  }
}

/**
 * Returns the limits of one run: each requested value that is a positive number
 * no larger than the backend's limit, else the backend's limit. A request can
 * only lower limits.
 */
export function limitsForRun(backendLimits: Readonly<RunLimits>, requested: Partial<RunLimits> | undefined): RunLimits {
  const limits = { ...backendLimits };
  if (!requested) return limits;

  for (const name of LIMIT_NAMES) {
    const value = requested[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) continue;
    limits[name] = Math.max(1, Math.min(limits[name], Math.floor(value)));
  }
  return limits;
}
