/**
 * The command line of a Pyodide child process: Node's own confinement of the
 * process that runs learner code. See index.ts for how it fits the other layers.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { RunLimits } from '../../types.js';

/** Program and arguments for spawn(). */
export interface ChildLaunch {
  file: string;
  args: string[];
}

/**
 * V8's old-space cap of a child. Pyodide 0.25.1 uses about 20 MiB of it once
 * loaded (measured with process.memoryUsage() on Node 20). The rest is for the
 * in-memory file system's metadata. Python objects live in wasm memory,
 * which `memoryBytes` caps separately.
 */
const CHILD_HEAP_MIB = 96;

/** Returns the folder of the installed `pyodide` package, with symbolic links resolved. */
export function resolvePyodideFolder(): string {
  const require = createRequire(import.meta.url);
  return realpathSync(dirname(require.resolve('pyodide/package.json')));
}

/** Returns the folder of the child's own files (main.mjs, runner.py and their helpers). */
export function childFolder(): string {
  return realpathSync(fileURLToPath(new URL('./child/', import.meta.url)));
}

/**
 * CPU seconds a child may use over its whole life: loading takes about 3.5 s of
 * CPU (measured with /usr/bin/time on Node 20), and a run at most its wall limit
 * of a core plus V8's helper threads. The limit only matters for a child whose
 * parent died, which no wall-clock kill would then end.
 */
const CHILD_CPU_ALLOWANCE_SECONDS = 20;

/**
 * Applies rlimits, then execs node in the shell's place, so the spawned pid is
 * node's. RLIMIT_CPU bounds the child's total CPU time, RLIMIT_CORE=0 keeps a V8
 * abort from writing a core file, and RLIMIT_FSIZE=0 stops writes to any regular
 * file at the kernel. dash exports PWD into an empty environment unless unset.
 */
const RLIMIT_SCRIPT = 'ulimit -t "$1"; ulimit -c 0; ulimit -f 0; unset PWD; shift; exec "$@"';

/**
 * Builds the child's command line. The permission model lets the child read
 * only Pyodide's package folder and its own folder: no other file, no file
 * writes, no child processes, no worker threads, no native addons, no WASI.
 * Code generation from strings (eval, new Function) is off, so a JavaScript
 * object that leaks to learner code cannot be used to write new JavaScript.
 */
export function buildChildLaunch(pyodideFolder: string, ownFolder: string, limits: Readonly<RunLimits>): ChildLaunch {
  const cpuSeconds = CHILD_CPU_ALLOWANCE_SECONDS + Math.ceil(limits.wallMs / 1000);
  const nodeArgs = [
    permissionFlag(),
    `--allow-fs-read=${withTrailingSlash(pyodideFolder)}`,
    `--allow-fs-read=${withTrailingSlash(ownFolder)}`,
    '--disallow-code-generation-from-strings',
    '--no-addons',
    `--max-old-space-size=${CHILD_HEAP_MIB}`,
    // Node's warning that the permission model is experimental would fill the
    // child's stderr, which the parent reads to diagnose crashes.
    '--no-warnings',
    join(ownFolder, 'main.mjs'),
    pyodideFolder,
    String(limits.memoryBytes),
  ];

  return {
    file: '/bin/sh',
    args: ['-c', RLIMIT_SCRIPT, 'sandbox-child', String(cpuSeconds), process.execPath, ...nodeArgs],
  };
}

/** Node 20 names the permission model --experimental-permission; newer releases name it --permission. */
function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

/** Appends a slash, which limits a grant to the folder's contents and excludes siblings that share its name as a prefix. */
function withTrailingSlash(folder: string): string {
  return folder.endsWith('/') ? folder : `${folder}/`;
}
