/**
 * JavaScript-side layers of the Pyodide child. Each assumes that learner code
 * got hold of some JavaScript object anyway (the Python-side cut in runner.py
 * failed) and limits what that object can reach.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { constants as fsConstants } from 'node:fs';
import inspector from 'node:inspector';
import net from 'node:net';
import vm from 'node:vm';

/**
 * Node 20's permission model does not cover the network. Every socket API of
 * Node (http, https, fetch, WebSocket clients, tls) ends in these functions,
 * and built-in modules are singletons, so code that later imports them gets
 * the throwing versions too.
 */
export function disableNetworkFunctions() {
  net.Socket.prototype.connect = throwNetworkDisabled;
  net.Server.prototype.listen = throwNetworkDisabled;
  dgram.Socket.prototype.bind = throwNetworkDisabled;
  dgram.Socket.prototype.send = throwNetworkDisabled;
  dgram.Socket.prototype.connect = throwNetworkDisabled;
  // DNS queries leave the host even without a connection, so they can carry data out.
  for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'reverse']) {
    dns[name] = throwNetworkDisabled;
    dns.promises[name] = throwNetworkDisabled;
  }
  dns.Resolver.prototype.resolve = throwNetworkDisabled;
  dns.promises.Resolver.prototype.resolve = throwNetworkDisabled;
  // The inspector would listen on a port and run any code sent to it.
  inspector.open = throwNetworkDisabled;
}

function throwNetworkDisabled() {
  throw new Error('Network access is disabled in this sandbox.');
}

/**
 * Emscripten turns Python sockets into WebSocket connections made with the `ws`
 * package. The permission model already stops `require('ws')`, but listen()
 * does not expect that and crashes the interpreter. Failing here instead makes
 * connect(), listen() and UDP sends fail with EACCES, which Python raises as
 * PermissionError.
 */
export function disableEmscriptenSockets(module) {
  const socketOps = module.SOCKFS.websocket_sock_ops;
  const throwAccessDenied = () => {
    throw new module.FS.ErrnoError(module.ERRNO_CODES.EACCES);
  };
  socketOps.createPeer = throwAccessDenied;
  socketOps.listen = throwAccessDenied;
}

/**
 * Replaces process.binding() with a function that returns the file-system
 * constants and nothing else. The permission model disables process.binding(),
 * but Pyodide's NODEFS setup reads those constants through it while loading.
 * The returned function puts the original back.
 */
export function answerFsConstantsBinding(hostProcess) {
  const original = hostProcess.binding;
  hostProcess.binding = function bindingForNodefs(name) {
    if (name === 'constants') return { fs: fsConstants };
    throw new Error(`process.binding('${String(name)}') is not available in this sandbox.`);
  };
  return function restore() {
    hostProcess.binding = original;
  };
}

/**
 * Lowers the maximum of the interpreter's wasm memory while Pyodide creates
 * it, so Python's allocations fail with MemoryError at `maxBytes` instead of
 * growing to wasm32's 2 GiB. Returns a handle whose `memory` is that memory
 * once created, and whose `restore` puts the original constructor back.
 */
export function capWasmMemory(maxBytes) {
  const OriginalMemory = WebAssembly.Memory;
  const pageBytes = 64 * 1024;
  const handle = { memory: null, restore: () => { WebAssembly.Memory = OriginalMemory; } };

  WebAssembly.Memory = function CappedMemory(descriptor) {
    // Pyodide also creates a one-page shared memory for sleeping, which needs no cap.
    if (descriptor.shared) return new OriginalMemory(descriptor);

    const maxPages = Math.max(descriptor.initial, Math.floor(maxBytes / pageBytes));
    const memory = new OriginalMemory({ ...descriptor, maximum: Math.min(descriptor.maximum ?? maxPages, maxPages) });
    handle.memory = memory;
    return memory;
  };
  WebAssembly.Memory.prototype = OriginalMemory.prototype;
  return handle;
}

/**
 * Host objects that reach the network, the file system, other processes or a
 * compiler: fetch and its classes, Node's process object, CommonJS leftovers,
 * and `global`, an alias of globalThis. Timers, performance and crypto stay,
 * because Pyodide calls them while Python runs.
 */
const HOST_GLOBALS = [
  'process', 'global', 'require', 'module', 'exports', '__filename', '__dirname',
  'fetch', 'Request', 'Response', 'Headers', 'FormData', 'WebSocket', 'EventSource',
  'XMLHttpRequest', 'navigator', 'Buffer', 'BroadcastChannel', 'MessageChannel', 'MessagePort',
];

/**
 * Deletes host objects from globalThis. Pyodide's exit path sets
 * `process.exitCode`, so an empty stand-in takes the place of `process`.
 */
export function stripHostGlobals() {
  for (const name of HOST_GLOBALS) {
    delete globalThis[name];
  }
  globalThis.process = Object.create(null);
}

/**
 * vm compiles strings into code, which --disallow-code-generation-from-strings
 * does not cover; Pyodide loads scripts from URLs through it. The module object
 * is shared with Pyodide's loader, so replacing its functions disarms both.
 */
export function disableCodeLoading() {
  for (const name of ['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction', 'createContext']) {
    vm[name] = throwCodeLoadingDisabled;
  }
  vm.Script = throwCodeLoadingDisabled;
}

function throwCodeLoadingDisabled() {
  throw new Error('Loading code is disabled in this sandbox.');
}

/**
 * Deletes every own property of `target` (the Pyodide API, the `js` globals)
 * and cuts its prototype chain, so a handle on it leads nowhere.
 */
export function emptyObject(target) {
  for (const key of Reflect.ownKeys(target)) {
    try {
      delete target[key];
    } catch {
      // A non-configurable property such as a function's `prototype` stays.
    }
  }
  Object.setPrototypeOf(target, null);
}

/**
 * Makes the interpreter unable to create three built-in modules, by clearing
 * their init functions in CPython's table of built-in modules (`PyImport_Inittab`,
 * entries of {name, initfunc}, 8 bytes on wasm32). CPython then hands out an
 * empty module. Python code cannot undo this, because it lives in memory that
 * only JavaScript and C code can write. `_pyodide_core` is cleared again at the
 * Python level, because CPython keeps a copy of modules it already created.
 */
export function disableBuiltinModules(module, names) {
  const heap = module.HEAPU32;
  const entrySize = 8;
  let entry = heap[module._PyImport_Inittab >> 2];

  for (; heap[entry >> 2] !== 0; entry += entrySize) {
    const name = module.UTF8ToString(heap[entry >> 2]);
    if (names.includes(name)) heap[(entry + 4) >> 2] = 0;
  }
}
