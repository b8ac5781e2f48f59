/**
 * The command line of a Pyodide child process: Node's own confinement of the
 * process that runs learner code. See index.ts for how it fits the other layers.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Program and arguments for spawn(). */
export interface ChildLaunch {
  file: string;
  args: string[];
}

/**
 * V8's old-space cap of a child. Pyodide 0.25.1 uses about 20 MiB of it once
 * loaded (measured with process.memoryUsage() on Node 20); the rest holds the
 * in-memory file system's bookkeeping. Python objects live in wasm memory,
 * which `memoryBytes` caps separately.
 */
const CHILD_HEAP_MIB = 96;

/** The folder of the installed `pyodide` package, with symbolic links resolved. */
export function resolvePyodideFolder(): string {
  const require = createRequire(import.meta.url);
  return realpathSync(dirname(require.resolve('pyodide/package.json')));
}

/** The folder of the child's own files (main.mjs, runner.py and their helpers). */
export function childFolder(): string {
  return realpathSync(fileURLToPath(new URL('./child/', import.meta.url)));
}

/**
 * Builds the child's command line. The permission model lets the child read
 * only Pyodide's package folder and its own folder: no other file, no file
 * writes, no child processes, no worker threads, no native addons, no WASI.
 * Code generation from strings (eval, new Function) is off, so a JavaScript
 * object that leaks to learner code cannot be used to write new JavaScript.
 */
export function buildChildLaunch(pyodideFolder: string, ownFolder: string, wasmMemoryBytes: number): ChildLaunch {
  return {
    file: process.execPath,
    args: [
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
      String(wasmMemoryBytes),
    ],
  };
}

/** Node 20 names the permission model --experimental-permission; newer releases name it --permission. */
function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

/** A trailing slash limits the grant to the folder's contents, not siblings that share its name as a prefix. */
function withTrailingSlash(folder: string): string {
  return folder.endsWith('/') ? folder : `${folder}/`;
}
