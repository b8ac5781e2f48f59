/**
 * The Pyodide sandbox backend: CPython 3.11 compiled to WebAssembly, one fresh
 * interpreter per run, for hosts where bubblewrap cannot confine processes.
 *
 * WebAssembly alone is not the boundary. Pyodide's bridge (`js`, `pyodide_js`,
 * `pyodide.ffi`, `_pyodide_core` and every JsProxy object) lets Python call
 * JavaScript, and JavaScript in Node reaches the host's environment, files,
 * processes and network. The layers, outermost first:
 *
 * 1. A separate child process per interpreter (sandbox-child.ts). A crash,
 *    hang or leak of learner code ends with that process, never the service.
 * 2. An empty environment (`env: {}`): no secret of the service exists in the
 *    child to be read.
 * 3. Node's permission model (launch.ts): reads only of Pyodide's package
 *    folder and the child's own folder; no file writes, child processes,
 *    worker threads, native addons or WASI. It stops reads of host files and
 *    every way out of the process except the network, which Node 20's
 *    permission model does not cover.
 * 4. --disallow-code-generation-from-strings, plus vm disabled once Pyodide
 *    has loaded (child/host-hardening.mjs): a leaked JavaScript object cannot
 *    be turned into new JavaScript, so only functions that already exist can
 *    be called.
 * 5. Host objects removed from the child's globals (process, fetch, WebSocket,
 *    require, Buffer...), Node's socket, DNS and inspector functions replaced
 *    by ones that throw, and the Pyodide API object and `js` globals emptied:
 *    the functions that do exist lead nowhere.
 * 6. The bridge cut on the Python side (child/runner.py): bridge modules
 *    purged from sys.modules and emptied, every JsProxy and _pyodide_core
 *    function removed from reachable dicts and lists (so gc.get_objects()
 *    finds none), Pyodide's import hooks undone, `_pyodide_core`, `_ctypes`
 *    and `_xxsubinterpreters` made to load as empty modules, and an audit hook
 *    rejecting imports of bridge modules and every ctypes event. The emscripten
 *    file system has no NODEFS mount, so Python's files are all in memory.
 * 7. Limits: the parent kills a child at the wall clock (SIGKILL, `timeout`),
 *    the child stops itself at the CPU time, wasm memory, file and output
 *    budgets, and V8's heap is capped by --max-old-space-size.
 *
 * Each run's child serves that run only and is then killed, so nothing of one
 * run (globals, modules, files in the in-memory file system) reaches the next.
 */
import type { SandboxBackend } from '../../types.js';
import { PyodideBackend, type PyodideBackendOptions } from './backend.js';

export type { PyodideBackendOptions } from './backend.js';

/** Creates a Pyodide backend; call start() before run(). */
export function createPyodideBackend(options: PyodideBackendOptions = {}): SandboxBackend {
  return new PyodideBackend(options);
}
