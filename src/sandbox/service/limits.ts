import type { RunLimits } from '../types.js';

/** Keys a request may send in `limits`; each one only lowers the service's value. */
export const LIMIT_KEYS = ['cpuMs', 'wallMs', 'memoryBytes', 'maxProcesses', 'maxFileBytes', 'maxOutputBytes'] as const;

/** Combines the service's limits with a request's, taking the lower of each so a caller can never raise one. */
export function lowerLimits(configured: RunLimits, requested: Partial<RunLimits> | undefined): RunLimits {
  const limits: RunLimits = { ...configured };
  if (!requested) return limits;

  for (const key of LIMIT_KEYS) {
    const value = requested[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
      limits[key] = Math.min(configured[key], Math.floor(value));
    }
  }
  return limits;
}
