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
 * 3. Node's permission model (launch.ts) allows reads of Pyodide's package
 *    folder and the child's own folder only. It allows no file writes, child
 *    processes, worker threads, native addons or WASI. So it stops reads of
 *    host files and every way out of the process except the network, which
 *    Node 20's permission model does not cover.
 * 4. --disallow-code-generation-from-strings, plus vm disabled once Pyodide
 *    has loaded (child/host-hardening.mjs): a leaked JavaScript object cannot
 *    be turned into new JavaScript, so only functions that already exist can
 *    be called.
 * 5. Host objects removed from the child's globals (process, fetch, WebSocket,
 *    require, Buffer...). Node's socket, DNS and inspector functions throw,
 *    and emscripten's WebSocket-backed Python sockets fail with EACCES. The
 *    Pyodide API object and the `js` globals are emptied. So the functions
 *    that do exist lead nowhere.
 * 6. The bridge cut on the Python side (child/runner.py). Bridge modules are
 *    purged from sys.modules and emptied, and every JsProxy and _pyodide_core
 *    function is removed from reachable dicts and lists, so gc.get_objects()
 *    finds none. The JsProxy classes, still reachable as subclasses, refuse
 *    new instances. `_pyodide_core`, `_ctypes` and `_xxsubinterpreters` load
 *    as empty modules. A meta-path finder and an audit hook reject imports of
 *    bridge modules, and the hook rejects every ctypes event. The emscripten
 *    file system has no NODEFS mount, so Python's files are all in memory.
 *    This layer is not a boundary on its own; layers 1 to 5 assume it failed.
 * 7. Limits: the parent kills a child at the wall clock (SIGKILL, `timeout`),
 *    the child stops itself at the CPU time, wasm memory, file and output
 *    budgets, and V8's heap is capped by --max-old-space-size. rlimits bound
 *    the child's lifetime CPU time (for a child whose parent died) and forbid
 *    core files and writes to regular files.
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
