/**
 * Entry of one Pyodide sandbox child process. It loads one interpreter, cuts
 * every route from Python to the JavaScript host, reports `ready`, serves
 * exactly one run and exits. The parent (../sandbox-child.ts) starts it with
 * an empty environment under Node's permission model; ../index.ts lists the layers.
 *
 * Protocol: one JSON object per line. The parent writes one request line on
 * stdin; this process writes `ready`, then `output` chunks, then `done` or
 * `limit` (or `failed`) on stdout. Nothing else may write to fd 1.
 *
 * Usage: node [flags] main.mjs <pyodide package folder> <wasm memory cap in bytes>
 */
import { Buffer } from 'node:buffer';
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { installFileQuota } from './file-quota.mjs';
import {
  answerFsConstantsBinding,
  capWasmMemory,
  disableBuiltinModules,
  disableCodeLoading,
  disableEmscriptenSockets,
  disableNetworkFunctions,
  emptyObject,
  stripHostGlobals,
} from './host-hardening.mjs';
import { createLimitsProbe } from './limits-probe.mjs';

const HOME = '/home/learner';
const MAIN_PATH = `${HOME}/main.py`;
const RUNNER_PATH = new URL('./runner.py', import.meta.url);
/** Must match RUNNER_FILENAME in runner.py, which hides frames of this file from tracebacks. */
const RUNNER_FILENAME = '<sandbox runner>';
/**
 * os.environ of learner code: the bubblewrap backend's variables. Emscripten
 * adds USER, LOGNAME, PWD and `_` unless they are set to undefined. Pyodide
 * adds LD_LIBRARY_PATH after these apply, so runner.py removes that one.
 */
const LEARNER_ENVIRONMENT = {
  HOME,
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  PYTHONIOENCODING: 'utf-8',
  PYTHONDONTWRITEBYTECODE: '1',
  USER: undefined,
  LOGNAME: undefined,
  PWD: undefined,
  _: undefined,
};
const UNSAFE_BUILTIN_MODULES = ['_pyodide_core', '_ctypes', '_xxsubinterpreters'];
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Exit code after a failure outside Python; the `failed` message sent before it carries the reason. */
const EXIT_FAILED = 70;

const STDOUT_FD = 1;
const EAGAIN_RETRY_MS = 5;
const retryWaitCell = new Int32Array(new SharedArrayBuffer(4));

// Captured before stripHostGlobals() removes `process` from globalThis.
// process.stdout stays untouched: see writeToParent().
const host = {
  argv: process.argv.slice(2),
  stdin: process.stdin,
  exit: process.exit.bind(process),
  cpuUsage: process.cpuUsage.bind(process),
};

function send(message) {
  writeToParent(Buffer.from(`${JSON.stringify(message)}\n`));
}

/**
 * Writes all of `bytes` to fd 1 before returning. process.stdout would queue a
 * write when the pipe is full, and the queue is lost when the process exits
 * right after a `limit` message. Retrying on EAGAIN covers an fd that was made
 * non-blocking anyway.
 */
function writeToParent(bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(STDOUT_FD, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (error?.code !== 'EAGAIN') throw error;
      Atomics.wait(retryWaitCell, 0, 0, EAGAIN_RETRY_MS);
    }
  }
}

function parseArguments(argv) {
  const [pyodideFolder, wasmMemoryText] = argv;
  const wasmMemoryBytes = Number(wasmMemoryText);
  if (!pyodideFolder || !Number.isSafeInteger(wasmMemoryBytes) || wasmMemoryBytes <= 0) {
    throw new Error('Usage: main.mjs <pyodide package folder> <wasm memory cap in bytes>');
  }
  return { pyodideFolder, wasmMemoryBytes };
}

/** Loads Pyodide with nothing of the host in its `js` module. */
async function loadInterpreter({ pyodideFolder, wasmMemoryBytes }) {
  const { loadPyodide } = await import(pathToFileURL(join(pyodideFolder, 'pyodide.mjs')).href);
  // Pyodide's event loop imports setTimeout from `js` while it starts; these
  // two entries are removed again before learner code runs.
  const jsGlobals = Object.create(null);
  jsGlobals.setTimeout = (callback, delayMs) => setTimeout(callback, delayMs);
  jsGlobals.clearTimeout = (id) => clearTimeout(id);

  const restoreBinding = answerFsConstantsBinding(process);
  const memoryCap = capWasmMemory(wasmMemoryBytes);
  try {
    const pyodide = await loadPyodide({
      indexURL: pyodideFolder,
      jsglobals: jsGlobals,
      env: LEARNER_ENVIRONMENT,
      stdout: () => {},
      stderr: () => {},
    });
    if (!memoryCap.memory) throw new Error('Pyodide did not create its wasm memory through WebAssembly.Memory.');
    return { pyodide, jsGlobals, memory: memoryCap.memory };
  } finally {
    memoryCap.restore();
    restoreBinding();
  }
}

/** Defines runner.py's functions in a namespace of their own and returns handles on them. */
function loadRunner(pyodide) {
  const namespace = pyodide.toPy({});
  try {
    pyodide.runPython(readFileSync(RUNNER_PATH, 'utf8'), { globals: namespace, filename: RUNNER_FILENAME });
    return {
      cutBridge: namespace.get('cut_bridge'),
      runMain: namespace.get('run_main'),
      pythonVersion: pyodide.runPython('import sys; "%d.%d.%d" % sys.version_info[:3]'),
    };
  } finally {
    namespace.destroy();
  }
}

/** Per-run output state: bytes forwarded per stream and the cap. */
function createOutputForwarder(onOverflow) {
  const sentBytes = { stdout: 0, stderr: 0 };
  let maxBytes = Infinity;

  function forward(stream, view) {
    const roomBytes = maxBytes - sentBytes[stream];
    const keptBytes = Math.min(view.length, roomBytes);
    if (keptBytes > 0) {
      sentBytes[stream] += keptBytes;
      send({ type: 'output', stream, data: Buffer.from(view.subarray(0, keptBytes)).toString('base64') });
    }
    if (view.length > roomBytes) onOverflow();
    return view.length;
  }

  return {
    setMaxBytes(bytes) {
      maxBytes = bytes;
    },
    stdout: (view) => forward('stdout', view),
    stderr: (view) => forward('stderr', view),
  };
}

/** Serves the run's stdin from one byte string; an empty read is end of file, so input() raises EOFError. */
function createStdinReader() {
  let bytes = new Uint8Array(0);
  let offset = 0;

  return {
    setText(text) {
      bytes = new TextEncoder().encode(text);
      offset = 0;
    },
    read(target) {
      const count = Math.min(target.length, bytes.length - offset);
      target.set(bytes.subarray(offset, offset + count));
      offset += count;
      return count;
    },
  };
}

function reportLimitAndExit(limit) {
  send({ type: 'limit', limit });
  host.exit(0);
}

function readRequestLine(stdin) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let receivedBytes = 0;
    let complete = false;

    stdin.on('data', (chunk) => {
      const newline = chunk.indexOf(0x0a);
      chunks.push(newline === -1 ? chunk : chunk.subarray(0, newline));
      receivedBytes += chunk.length;
      if (newline !== -1) {
        complete = true;
        stdin.pause();
        resolve(Buffer.concat(chunks).toString('utf8'));
      } else if (receivedBytes > MAX_REQUEST_BYTES) {
        reject(new Error('The run request is too large.'));
      }
    });
    // The parent closed the pipe or died before sending a request: nothing is left to serve.
    stdin.on('end', () => {
      if (!complete) host.exit(0);
    });
  });
}

function parseRequest(line) {
  const request = JSON.parse(line);
  const limits = request?.limits;
  const isPositive = (value) => Number.isSafeInteger(value) && value > 0;
  if (
    typeof request?.code !== 'string' ||
    typeof request.stdin !== 'string' ||
    !isPositive(limits?.cpuMs) ||
    !isPositive(limits.memoryBytes) ||
    !isPositive(limits.maxFileBytes) ||
    !isPositive(limits.maxOutputBytes)
  ) {
    throw new Error('The run request is malformed.');
  }
  return request;
}

/** Runs the request's code and returns { exitCode, uncaught }. */
function runRequest(session, request) {
  session.fs.writeFile(MAIN_PATH, request.code);
  session.stdinReader.setText(request.stdin);
  session.output.setMaxBytes(request.limits.maxOutputBytes);
  session.fileQuota.activate(request.limits.maxFileBytes);
  session.probe.arm(request.limits);

  try {
    return JSON.parse(session.runMain(request.code));
  } catch (error) {
    // os._exit() ends the interpreter by throwing Pyodide's Exit error.
    if (error?.name === 'Exit' && Number.isInteger(error.status)) return { exitCode: error.status & 0xff, uncaught: null };
    // run_main() catches everything, but it can itself run out of wasm memory while reporting.
    if (error?.type === 'MemoryError') return { exitCode: 1, uncaught: 'MemoryError' };
    throw error;
  }
}

async function prepareSession(config) {
  disableNetworkFunctions();
  const { pyodide, jsGlobals, memory } = await loadInterpreter(config);
  const module = pyodide._module;

  disableBuiltinModules(module, UNSAFE_BUILTIN_MODULES);
  disableEmscriptenSockets(module);
  const runner = loadRunner(pyodide);
  runner.cutBridge();

  const output = createOutputForwarder(() => reportLimitAndExit('output'));
  const stdinReader = createStdinReader();
  const probe = createLimitsProbe({ cpuUsage: host.cpuUsage, memory, onLimit: reportLimitAndExit });
  pyodide.setStdout({ write: output.stdout, isatty: false });
  pyodide.setStderr({ write: output.stderr, isatty: false });
  pyodide.setStdin({ read: (target) => stdinReader.read(target), isatty: false });
  pyodide.setInterruptBuffer(probe.buffer);
  const fileQuota = installFileQuota(module);

  emptyObject(pyodide);
  emptyObject(jsGlobals);
  disableCodeLoading();
  stripHostGlobals();

  return {
    fs: module.FS,
    runMain: runner.runMain,
    pythonVersion: runner.pythonVersion,
    output,
    stdinReader,
    probe,
    fileQuota,
  };
}

async function main() {
  const config = parseArguments(host.argv);
  const requestLine = readRequestLine(host.stdin);
  // Awaited below; this keeps an early rejection from counting as unhandled while Pyodide loads.
  requestLine.catch(() => {});
  const session = await prepareSession(config);
  send({ type: 'ready', pythonVersion: session.pythonVersion });

  const request = parseRequest(await requestLine);
  const outcome = runRequest(session, request);
  send({ type: 'done', exitCode: outcome.exitCode, uncaught: outcome.uncaught });
  host.exit(0);
}

main().catch((error) => {
  send({ type: 'failed', message: String(error?.message ?? error).slice(0, 2000) });
  host.exit(EXIT_FAILED);
});
