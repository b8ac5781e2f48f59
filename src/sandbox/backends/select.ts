import { createBubblewrapBackend, isBubblewrapUsable } from './bubblewrap/index.js';
import { createPyodideBackend } from './pyodide/index.js';
import type { BackendName, RunLimits, SandboxBackend } from '../types.js';

export type BackendChoice = BackendName | 'auto';

export interface BackendOptions {
  limits?: RunLimits;
  pyodidePoolSize?: number;
}

/**
 * Creates the backend asked for. `auto` picks bubblewrap when a real sandboxed run
 * works on this host and Pyodide otherwise; an explicit `bubblewrap` never falls
 * back, so a host that cannot confine processes refuses runs instead.
 */
export async function createBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<SandboxBackend> {
  if (choice === 'bubblewrap') return createBubblewrapBackend({ limits: options.limits });
  if (choice === 'pyodide') return createPyodideBackend({ limits: options.limits, poolSize: options.pyodidePoolSize });

  if (await isBubblewrapUsable()) return createBubblewrapBackend({ limits: options.limits });
  return createPyodideBackend({ limits: options.limits, poolSize: options.pyodidePoolSize });
}

/** Names of the backends that work on this host, strongest first; tests run against each. */
export async function listUsableBackends(): Promise<BackendName[]> {
  const names: BackendName[] = [];
  if (await isBubblewrapUsable()) names.push('bubblewrap');
  names.push('pyodide');
  return names;
}
