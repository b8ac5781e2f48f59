/**
 * The bubblewrap sandbox backend: learner code runs in a fresh CPython inside
 * Linux namespaces set up by bwrap, under rlimits and, where the host allows,
 * cgroup limits.
 */
import type { SandboxBackend } from '../../types.js';
import { BubblewrapBackend, type BubblewrapBackendOptions } from './backend.js';

export type { BubblewrapBackendOptions } from './backend.js';

/** Creates a bubblewrap backend. Call start() before run(). */
export function createBubblewrapBackend(options: BubblewrapBackendOptions = {}): SandboxBackend {
  return new BubblewrapBackend(options);
}

/**
 * Starts a backend, which runs one tiny sandboxed Python and checks its output,
 * then closes it. Resolves true only when that worked, so automatic backend
 * selection falls back to Pyodide on hosts where bwrap cannot confine processes.
 */
export async function isBubblewrapUsable(options: BubblewrapBackendOptions = {}): Promise<boolean> {
  const backend = new BubblewrapBackend(options);
  try {
    await backend.start();
    return true;
  } catch {
    return false;
  } finally {
    await backend.close();
  }
}
