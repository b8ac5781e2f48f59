/**
 * Hostile programs for the sandbox escape suite. Each one tries a way out of the
 * sandbox, or a way to exhaust the host, and checks the safe outcome it expects
 * on each backend. escape.test.ts runs every program through the sandbox service
 * and adds the checks shared by all of them: no canary or host file content in
 * the output, an end within the wall limit plus a margin, and a clean run after.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';

import type { BackendName, RunLimits, RunResult } from '../../src/sandbox/types.js';

/** What a program and its checks may need to know about the host and the service under test. */
export interface HostileContext {
  backend: BackendName;
  /** The service's configured limits. */
  limits: Readonly<RunLimits>;
  canaryEnvName: string;
  canaryFilePath: string;
  /** Port of a TCP listener that the test opened on 127.0.0.1. */
  tcpListenerPort: number;
  /** Port of a UDP socket that the test bound on 127.0.0.1. */
  udpListenerPort: number;
  /** Absolute path of the repository's package.json on the host. */
  repoPackageJsonPath: string;
}

/** One hostile program and the safe outcome it must have. */
export interface HostileProgram {
  name: string;
  code: string | ((context: HostileContext) => string);
  /** Limits sent with the request. Keys left out keep the service's configured values. */
  limits?: Partial<RunLimits>;
  /** A second program run right after the first, for state that must not carry over between runs. */
  nextRunCode?: string;
  /** Asserts the safe outcome. `nextResult` is the result of `nextRunCode`. */
  expect(result: RunResult, context: HostileContext, nextResult?: RunResult): void;
}

/** Limits that keep the quick cases fast. The CPU-spin and sleep cases keep the service's own. */
const QUICK: Partial<RunLimits> = { wallMs: 2_000 };

/** A small output cap, so the flood cases reach it quickly. */
const SMALL_OUTPUT_BYTES = 8 * 1024;

/** Root entries of each backend's file system. Any other entry would be a host folder leaking in. */
const SANDBOX_ROOT_ENTRIES: Record<BackendName, readonly string[]> = {
  bubblewrap: ['bin', 'dev', 'home', 'lib', 'lib64', 'proc', 'tmp', 'usr'],
  pyodide: ['dev', 'home', 'lib', 'proc', 'tmp'],
};

/** Mount points of a bubblewrap sandbox: its tmpfs root, read-only /usr, its own /proc and a few device nodes. */
const BUBBLEWRAP_MOUNT_POINTS = new Set(['/', '/usr', '/proc', '/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom']);

/** Environment variables a sandbox may set. None of them carries a value from the service. */
const HARMLESS_ENV_NAMES = new Set(['HOME', 'LANG', 'LD_LIBRARY_PATH', 'LOGNAME', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'USER']);

/** Modules through which Python code in Pyodide reaches JavaScript objects. */
const BRIDGE_MODULES = ['js', 'pyodide_js', 'pyodide', 'pyodide.ffi', '_pyodide', '_pyodide_core'];

/** Removes the common leading indentation, so programs can be written indented in this file. */
function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').trimEnd().split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const common = Math.min(...indents);
  return `${lines.map((line) => line.slice(common)).join('\n')}\n`;
}

/** Returns `text` as a Python string literal, because JSON's escapes are valid in Python source. */
function pyString(text: string): string {
  return JSON.stringify(text);
}

/** Builds a program that reads one path and prints `read <content>` or `blocked <exception name>`. */
function readPathProgram(filePath: string): string {
  return dedent(`
    try:
        with open(${pyString(filePath)}, "rb") as handle:
            print("read", handle.read(4096).decode("utf-8", "replace"))
    except OSError as error:
        print("blocked", type(error).__name__)
  `);
}

/** Builds a program that connects to a TCP port on 127.0.0.1 and prints `connected` or `failed <exception name>`. */
function tcpConnectProgram(port: number): string {
  return dedent(`
    import socket
    try:
        connection = socket.create_connection(("127.0.0.1", ${port}), timeout=1)
        print("connected")
        connection.close()
    except Exception as error:
        print("failed", type(error).__name__)
  `);
}

/** Builds a program that calls libc through ctypes and prints the return value and errno. */
function libcCallProgram(call: string): string {
  return dedent(`
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    result = ${call}
    print("returned", result, "errno", ctypes.get_errno(), "uid", os.getuid())
  `);
}

/** Builds a program that writes 64 KiB chunks to `filePath` until a write fails, and prints the bytes written. */
function fillDiskProgram(filePath: string): string {
  return dedent(`
    written = 0
    try:
        with open(${pyString(filePath)}, "wb", buffering=0) as handle:
            while written < 8 * 1024 * 1024:
                written += handle.write(b"z" * 65536)
        print("wrote", written)
    except OSError as error:
        print("stopped", type(error).__name__, written)
  `);
}

/** Returns the host path that a shell escaping the sandbox would create, next to the canary file. */
function shellMarkerPath(context: HostileContext): string {
  return path.join(path.dirname(context.canaryFilePath), 'shell-marker');
}

function assertStatus(result: RunResult, status: RunResult['status']): void {
  assert.equal(result.status, status, `status ${result.status}; stdout ${JSON.stringify(result.stdout.slice(0, 500))}; stderr ${JSON.stringify(result.stderr.slice(-500))}`);
}

/** Asserts that the program ran to its end and reports that the file system rejected the access. */
function assertBlocked(result: RunResult): void {
  assertStatus(result, 'ok');
  assert.match(result.stdout, /^blocked (FileNotFoundError|PermissionError|NotADirectoryError|OSError)\n$/);
}

/** Asserts that the output has `expectedLines` lines and each reports a rejected access. */
function assertEveryLineBlocked(result: RunResult, expectedLines: number): void {
  assertStatus(result, 'ok');
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines.length, expectedLines, result.stdout);
  for (const line of lines) assert.match(line, / blocked (FileNotFoundError|PermissionError|NotADirectoryError|OSError)$/);
}

/** Asserts that the program failed to import a module, as in Pyodide, which has no ctypes. */
function assertMissingModule(result: RunResult, moduleName: string): void {
  assertStatus(result, 'error');
  assert.match(result.stderr, new RegExp(`ModuleNotFoundError: No module named '${moduleName}'`));
}

function parseJsonLine<T>(result: RunResult): T {
  assertStatus(result, 'ok');
  return JSON.parse(result.stdout) as T;
}

/** Asserts that the run was stopped at the output cap and the kept text is the program's own. */
function assertOutputCapped(result: RunResult, stream: 'stdout' | 'stderr', expectedText: RegExp): void {
  assertStatus(result, 'output_limit');
  assert.equal(result.truncated, true);
  const text = result[stream];
  assert.ok(Buffer.byteLength(text) <= SMALL_OUTPUT_BYTES, `${stream} has ${Buffer.byteLength(text)} bytes`);
  assert.match(text, expectedText);
}

function assertWriteStopped(result: RunResult, context: HostileContext): void {
  assertStatus(result, 'ok');
  const match = /^stopped OSError (\d+)\n$/.exec(result.stdout);
  assert.ok(match, `unexpected output ${JSON.stringify(result.stdout)}`);
  assert.ok(Number(match[1]) <= context.limits.maxFileBytes, `wrote ${match[1]} bytes`);
}

export const HOSTILE_PROGRAMS: readonly HostileProgram[] = [
  // Host files
  {
    name: 'reading /etc/shadow',
    code: readPathProgram('/etc/shadow'),
    limits: QUICK,
    expect: assertBlocked,
  },
  {
    name: 'reading /etc/passwd',
    code: readPathProgram('/etc/passwd'),
    limits: QUICK,
    // The shared checks also prove that no line of the host's file appears.
    expect: assertBlocked,
  },
  {
    name: 'listing /root',
    code: dedent(`
      import os
      try:
          print("listed", os.listdir("/root"))
      except OSError as error:
          print("blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect: assertBlocked,
  },
  {
    name: 'reading the repository package.json',
    code: (context) => readPathProgram(context.repoPackageJsonPath),
    limits: QUICK,
    expect: assertBlocked,
  },
  {
    name: 'reading the canary file',
    code: (context) => readPathProgram(context.canaryFilePath),
    limits: QUICK,
    expect: assertBlocked,
  },
  {
    name: 'reading the repository through /proc/1/root',
    code: (context) => readPathProgram(`/proc/1/root${context.repoPackageJsonPath}`),
    limits: QUICK,
    expect: assertBlocked,
  },
  {
    name: 'listing the root folder',
    code: (context) => dedent(`
      import json, os
      print(json.dumps({
          "root": sorted(os.listdir("/")),
          "hostPathsFound": [path for path in ["/work", "/root", "/etc", ${pyString(context.canaryFilePath)}] if os.path.exists(path)],
      }))
    `),
    limits: QUICK,
    expect(result, context) {
      const listing = parseJsonLine<{ root: string[]; hostPathsFound: string[] }>(result);
      assert.deepEqual(listing.root, SANDBOX_ROOT_ENTRIES[context.backend]);
      assert.deepEqual(listing.hostPathsFound, []);
    },
  },
  {
    name: 'searching the file tree for the canary',
    code: (context) => dedent(`
      import json, os
      canary_name = ${pyString(context.canaryFilePath.split('/').at(-1) ?? '')}
      # /usr holds the host's read-only system programs by design; /proc and /sys are not files.
      skipped = {"/usr", "/proc", "/sys", "/lib", "/lib64", "/bin"}
      found = []
      for folder, subfolders, files in os.walk("/"):
          subfolders[:] = [name for name in subfolders if os.path.join(folder, name) not in skipped]
          found += [os.path.join(folder, name) for name in files + subfolders if name == canary_name or name == "work"]
      print(json.dumps(found))
    `),
    limits: QUICK,
    expect(result) {
      assert.deepEqual(parseJsonLine<string[]>(result), []);
    },
  },

  // Environments of this and other processes
  {
    name: 'printing os.environ',
    code: 'import json, os\nprint(json.dumps(sorted(os.environ)))\n',
    limits: QUICK,
    expect(result, context) {
      const names = parseJsonLine<string[]>(result);
      assert.ok(!names.includes(context.canaryEnvName), 'the canary variable reached the sandbox');
      assert.ok(!names.includes('SANDBOX_SECRET'), 'SANDBOX_SECRET reached the sandbox');
      for (const name of names) assert.ok(HARMLESS_ENV_NAMES.has(name), `unexpected variable ${name}`);
    },
  },
  {
    name: 'reading /proc/self/environ',
    code: readPathProgram('/proc/self/environ'),
    limits: QUICK,
    expect(result, context) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^(read|blocked) /);
      assert.ok(!result.stdout.includes(context.canaryEnvName));
      assert.ok(!result.stdout.includes('SANDBOX_SECRET'));
    },
  },
  {
    name: 'reading /proc/1/environ',
    code: readPathProgram('/proc/1/environ'),
    limits: QUICK,
    expect(result, context) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^(read|blocked) /);
      assert.ok(!result.stdout.includes(context.canaryEnvName));
      assert.ok(!result.stdout.includes('SANDBOX_SECRET'));
    },
  },
  {
    name: 'reading every /proc/*/environ',
    code: dedent(`
      import json, os
      variables = {}
      for entry in os.listdir("/proc"):
          if entry.isdigit():
              try:
                  with open(f"/proc/{entry}/environ", "rb") as handle:
                      variables[entry] = [item.split(b"=")[0].decode() for item in handle.read().split(b"\\0") if item]
              except OSError as error:
                  variables[entry] = type(error).__name__
      print(json.dumps(variables))
    `),
    limits: QUICK,
    expect(result, context) {
      const variables = parseJsonLine<Record<string, string[] | string>>(result);
      // bubblewrap shows only its own init and the run. Pyodide has no numbered entries.
      assert.ok(Object.keys(variables).length <= 3, `sees ${Object.keys(variables).length} processes`);
      for (const names of Object.values(variables)) {
        if (typeof names === 'string') continue;
        assert.ok(!names.includes(context.canaryEnvName));
        assert.ok(!names.includes('SANDBOX_SECRET'));
      }
    },
  },
  {
    name: 'listing processes through /proc',
    code: dedent(`
      import json, os
      commands = {}
      for entry in os.listdir("/proc"):
          if entry.isdigit():
              with open(f"/proc/{entry}/cmdline", "rb") as handle:
                  commands[entry] = handle.read().split(b"\\0")[0].decode()
      print(json.dumps(commands))
    `),
    limits: QUICK,
    expect(result) {
      const commands = parseJsonLine<Record<string, string>>(result);
      // Only the sandbox's own init (bwrap) and the run itself are visible, never the service or databases.
      for (const command of Object.values(commands)) {
        assert.match(command, /^(\/usr\/bin\/bwrap|\/usr\/bin\/python3(\.\d+)?)$/);
      }
    },
  },
  {
    name: 'reading the mount table',
    code: dedent(`
      import json
      try:
          with open("/proc/self/mountinfo") as handle:
              print(json.dumps(sorted({line.split()[4] for line in handle})))
      except OSError as error:
          print("blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect(result, context) {
      if (context.backend === 'pyodide') {
        assertBlocked(result);
        return;
      }
      for (const mountPoint of parseJsonLine<string[]>(result)) {
        assert.ok(BUBBLEWRAP_MOUNT_POINTS.has(mountPoint), `unexpected mount ${mountPoint}`);
      }
    },
  },
  {
    name: 'listing /sys',
    code: dedent(`
      import os
      try:
          print("listed", os.listdir("/sys"))
      except OSError as error:
          print("blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect: assertBlocked,
  },
  {
    name: 'opening raw device and kernel files',
    code: dedent(`
      for path in ["/dev/mem", "/dev/kmsg", "/dev/vda", "/dev/sda", "/proc/kcore"]:
          try:
              open(path, "rb").close()
              print(path, "opened")
          except OSError as error:
              print(path, "blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect(result) {
      assertEveryLineBlocked(result, 5);
    },
  },
  {
    name: 'listing inherited file descriptors',
    code: dedent(`
      import json, os
      try:
          descriptors = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
      except OSError:
          descriptors = sorted(fd for fd in range(64) if os.path.exists(f"/dev/fd/{fd}"))
      print(json.dumps(descriptors))
    `),
    limits: QUICK,
    expect(result) {
      // stdin, stdout, stderr, and at most the descriptor that listdir itself opened.
      const descriptors = parseJsonLine<number[]>(result);
      for (const fd of descriptors) assert.ok(fd <= 3, `descriptor ${fd} is open: ${JSON.stringify(descriptors)}`);
    },
  },

  // Network
  {
    name: 'connecting to Postgres on 5432',
    code: tcpConnectProgram(5432),
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^failed \w+\n$/);
    },
  },
  {
    name: 'connecting to Redis on 6379',
    code: tcpConnectProgram(6379),
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^failed \w+\n$/);
    },
  },
  {
    name: 'connecting to a host listener',
    code: (context) => tcpConnectProgram(context.tcpListenerPort),
    limits: QUICK,
    // escape.test.ts also checks that the listener saw no connection.
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^failed \w+\n$/);
    },
  },
  {
    name: 'sending UDP to a host socket',
    code: (context) => dedent(`
      import socket
      try:
          sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
          sender.sendto(b"sandbox datagram", ("127.0.0.1", ${context.udpListenerPort}))
          print("sent")
      except Exception as error:
          print("failed", type(error).__name__)
    `),
    limits: QUICK,
    // A send may succeed into the sandbox's own loopback, so escape.test.ts checks that the host socket received nothing.
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^(sent|failed \w+)\n$/);
    },
  },
  {
    name: 'resolving a DNS name',
    code: dedent(`
      import socket
      try:
          print("resolved", socket.getaddrinfo("example.com", 80))
      except Exception as error:
          print("failed", type(error).__name__)
    `),
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^failed \w+\n$/);
    },
  },

  // Processes and threads
  {
    name: 'forking until refused',
    code: dedent(`
      import os, time
      children = 0
      try:
          while True:
              if os.fork() == 0:
                  time.sleep(60)
                  os._exit(0)
              children += 1
      except Exception as error:
          print("stopped", type(error).__name__, children)
    `),
    limits: QUICK,
    expect(result, context) {
      assertStatus(result, 'ok');
      const match = /^stopped (\w+) (\d+)\n$/.exec(result.stdout);
      assert.ok(match, `unexpected output ${JSON.stringify(result.stdout)}`);
      assert.ok(Number(match[2]) < context.limits.maxProcesses, `forked ${match[2]} children`);
    },
  },
  {
    name: 'fork bomb',
    code: dedent(`
      import os
      while True:
          try:
              os.fork()
          except OSError:
              pass
    `),
    limits: QUICK,
    // Every process spins until the wall kill ends the whole tree.
    expect(result) {
      assertStatus(result, 'timeout');
    },
  },
  {
    name: 'starting threads until refused',
    code: dedent(`
      import threading, time
      started = 0
      try:
          while True:
              threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
              started += 1
      except Exception as error:
          print("stopped", type(error).__name__, started)
    `),
    limits: QUICK,
    expect(result, context) {
      assertStatus(result, 'ok');
      const match = /^stopped RuntimeError (\d+)\n$/.exec(result.stdout);
      assert.ok(match, `unexpected output ${JSON.stringify(result.stdout)}`);
      assert.ok(Number(match[1]) < context.limits.maxProcesses, `started ${match[1]} threads`);
    },
  },
  {
    name: 'forked children filling memory together',
    code: dedent(`
      import os, time
      block_bytes = 100 * 1024 * 1024
      read_end, write_end = os.pipe()
      children = []
      try:
          for _ in range(4):
              pid = os.fork()
              if pid == 0:
                  block = b"m" * block_bytes
                  os.write(write_end, f"{os.getpid()} ".encode())
                  time.sleep(30)
                  os._exit(0)
              children.append(pid)
      except Exception as error:
          print("fork failed", type(error).__name__)
      holding = 0
      if children:
          time.sleep(1.5)
          os.set_blocking(read_end, False)
          try:
              allocated = {int(pid) for pid in os.read(read_end, 4096).split()}
          except BlockingIOError:
              allocated = set()
          # A child that the OOM killer ended has exited; waitpid returns (0, 0) only for live ones.
          alive = {pid for pid in children if os.waitpid(pid, os.WNOHANG) == (0, 0)}
          holding = len(allocated & alive)
      print("holding", holding)
    `),
    limits: { wallMs: 3_000 },
    expect(result, context) {
      // The OOM killer may end the parent before it reports; that is a safe outcome too.
      if (context.backend === 'bubblewrap' && result.status === 'memory_limit') return;
      assertStatus(result, 'ok');
      const match = /^(fork failed \w+\n)?holding (\d+)\n$/.exec(result.stdout);
      assert.ok(match, `unexpected output ${JSON.stringify(result.stdout)}`);
      // The memory limit covers the whole run, so at most one 100 MB block fits at a time.
      const maxBlocks = Math.floor(context.limits.memoryBytes / (100 * 1024 * 1024));
      assert.ok(Number(match[2]) <= maxBlocks, `${match[2]} children each hold 100 MB at once`);
    },
  },

  // Memory and CPU
  {
    name: 'growing a bytearray',
    code: 'data = bytearray()\nwhile True:\n    data.extend(b"x" * 1_000_000)\n',
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'memory_limit');
    },
  },
  {
    name: 'growing a list',
    code: 'items = []\nwhile True:\n    items.append([0] * 100_000)\n',
    expect(result) {
      assertStatus(result, 'memory_limit');
    },
  },
  {
    name: 'spinning the CPU at default limits',
    code: 'while True:\n    pass\n',
    expect(result) {
      assertStatus(result, 'timeout');
      assert.equal(result.exitCode, null);
    },
  },
  {
    name: 'sleeping past the wall limit at default limits',
    code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)\nprint("woke up")\n',
    expect(result, context) {
      assertStatus(result, 'timeout');
      assert.equal(result.stdout, 'sleeping\n');
      // Sleeping uses no CPU time, so only the wall-clock kill can end this run.
      assert.ok(result.durationMs >= context.limits.wallMs - 1, `ended after ${result.durationMs} ms`);
    },
  },
  {
    name: 'deep recursion with a raised recursion limit',
    code: 'import sys\nsys.setrecursionlimit(10**6)\ndef dive(depth):\n    return dive(depth + 1)\ndive(0)\n',
    limits: QUICK,
    expect(result) {
      // CPython runs out of memory or raises, and Pyodide is stopped at a limit. Neither exits normally.
      assert.ok(['error', 'memory_limit', 'timeout'].includes(result.status), `status ${result.status}`);
      assert.equal(result.stdout, '');
    },
  },
  {
    name: 'raising rlimits before allocating 400 MB',
    code: dedent(`
      try:
          import resource
          for name in ["RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_NOFILE"]:
              try:
                  resource.setrlimit(getattr(resource, name), (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
                  print(name, "raised")
              except (ValueError, OSError) as error:
                  print(name, "blocked", type(error).__name__)
      except ImportError as error:
          print("resource", "blocked", type(error).__name__)
      block = b"x" * (400 * 1024 * 1024)
      print("allocated", len(block))
    `),
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'memory_limit');
      assert.doesNotMatch(result.stdout, /raised|allocated/);
      assert.match(result.stdout, / blocked \w+\n$/);
    },
  },

  // Output
  {
    name: 'flooding stdout',
    code: 'while True:\n    print("x" * 99)\n',
    limits: { ...QUICK, maxOutputBytes: SMALL_OUTPUT_BYTES },
    expect(result) {
      assertOutputCapped(result, 'stdout', /^[x\n]+$/);
    },
  },
  {
    name: 'flooding stderr',
    code: 'import sys\nwhile True:\n    sys.stderr.write("e" * 99 + "\\n")\n',
    limits: { ...QUICK, maxOutputBytes: SMALL_OUTPUT_BYTES },
    expect(result) {
      assertOutputCapped(result, 'stderr', /^[e\n]+$/);
    },
  },
  {
    name: 'one giant line without newline',
    code: 'import sys\nsys.stdout.write("y" * 5_000_000)\n',
    limits: { ...QUICK, maxOutputBytes: SMALL_OUTPUT_BYTES },
    expect(result) {
      assertOutputCapped(result, 'stdout', /^y+$/);
    },
  },
  {
    name: 'closing stdout then printing',
    code: 'import os\nos.close(1)\nprint("after close")\n',
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'error');
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /OSError: \[Errno \d+\] Bad file descriptor/);
    },
  },

  // Input
  {
    name: 'reading stdin to its end',
    code: 'import sys\ndata = sys.stdin.read()\nprint("eof", len(data))\n',
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'ok');
      assert.equal(result.stdout, 'eof 0\n');
    },
  },
  {
    name: 'reading stdin forever',
    code: 'import sys\nwhile True:\n    sys.stdin.read()\n',
    limits: QUICK,
    // Each read returns at end of file at once, so the loop spins until a time limit.
    expect(result) {
      assertStatus(result, 'timeout');
    },
  },

  // Files
  {
    name: 'filling the working folder',
    code: fillDiskProgram('fill.bin'),
    limits: QUICK,
    expect: assertWriteStopped,
  },
  {
    name: 'filling /tmp',
    code: fillDiskProgram('/tmp/fill.bin'),
    limits: QUICK,
    expect: assertWriteStopped,
  },
  {
    name: 'leaving files for the next run',
    code: dedent(`
      import os
      for path in [os.path.expanduser("~/left-behind.txt"), "/tmp/left-behind.txt", "/dev/shm/left-behind.txt"]:
          try:
              with open(path, "w") as handle:
                  handle.write("from the previous run")
              print("wrote", path)
          except OSError as error:
              print("blocked", path, type(error).__name__)
    `),
    nextRunCode: dedent(`
      import json, os
      paths = [os.path.expanduser("~/left-behind.txt"), "/tmp/left-behind.txt", "/dev/shm/left-behind.txt"]
      print(json.dumps([path for path in paths if os.path.exists(path)]))
    `),
    limits: QUICK,
    expect(result, _context, nextResult) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^wrote /, 'the first run could not write its own files');
      assert.ok(nextResult);
      assert.deepEqual(parseJsonLine<string[]>(nextResult), []);
    },
  },
  {
    name: 'planting a module on sys.path',
    code: dedent(`
      import sys
      for folder in sys.path:
          try:
              with open(folder + "/planted_module.py", "w") as handle:
                  handle.write("print('planted code ran')\\n")
              print(folder, "written")
          except OSError as error:
              print(folder, "blocked", type(error).__name__)
    `),
    nextRunCode: dedent(`
      try:
          import planted_module
          print("imported")
      except ImportError as error:
          print("absent", type(error).__name__)
    `),
    limits: QUICK,
    expect(result, context, nextResult) {
      assertStatus(result, 'ok');
      // bubblewrap mounts the standard library read-only. Pyodide's is in the run's own memory.
      if (context.backend === 'bubblewrap') assert.doesNotMatch(result.stdout, / written$/m);
      assert.ok(nextResult);
      assertStatus(nextResult, 'ok');
      assert.equal(nextResult.stdout, 'absent ModuleNotFoundError\n');
    },
  },
  {
    name: 'opening system files for writing',
    code: dedent(`
      import os, sys
      for path in [sys.executable or "/usr/bin/python3", os.__file__, "/usr/lp-escape-probe.txt"]:
          try:
              # Append mode without a write changes nothing even where the open succeeds.
              open(path, "ab").close()
              print(path, "opened")
          except OSError as error:
              print(path, "blocked", type(error).__name__)
    `),
    nextRunCode: 'import os, json\nprint(json.dumps(os.path.exists("/usr/lp-escape-probe.txt")))\n',
    limits: QUICK,
    expect(result, context, nextResult) {
      if (context.backend === 'bubblewrap') assertEveryLineBlocked(result, 3);
      else assertStatus(result, 'ok');
      assert.ok(nextResult);
      assertStatus(nextResult, 'ok');
      assert.equal(nextResult.stdout, 'false\n');
    },
  },

  // Signals
  {
    name: 'killing pid 1',
    code: 'import os\ntry:\n    os.kill(1, 9)\nexcept OSError as error:\n    print("blocked", type(error).__name__)\nprint("alive")\n',
    limits: QUICK,
    // In its own PID namespace, pid 1 is the sandbox's init, which ignores SIGKILL from inside.
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^(blocked \w+\n)?alive\n$/);
    },
  },
  {
    name: 'killing the parent process',
    code: 'import os\ntry:\n    os.kill(os.getppid(), 9)\nexcept OSError as error:\n    print("blocked", type(error).__name__)\nprint("alive")\n',
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^(blocked \w+\n)?alive\n$/);
    },
  },
  {
    name: 'killing every process it may signal',
    code: 'import os\ntry:\n    os.kill(-1, 9)\nexcept OSError as error:\n    print("blocked", type(error).__name__)\nprint("alive")\n',
    limits: QUICK,
    // kill(-1) skips the caller and the namespace's init, and no other process is visible.
    expect(result) {
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^(blocked \w+\n)?alive\n$/);
    },
  },

  // Native code and privileged system calls
  {
    name: 'libc system() through ctypes',
    code: 'import ctypes\nctypes.CDLL(None).system(b"cat /etc/passwd; ls /; id -u")\n',
    limits: QUICK,
    expect(result, context) {
      if (context.backend === 'pyodide') {
        assertMissingModule(result, 'ctypes');
        return;
      }
      assertStatus(result, 'ok');
      assert.equal(result.stdout, `${SANDBOX_ROOT_ENTRIES.bubblewrap.join('\n')}\n1000\n`);
      assert.match(result.stderr, /\/etc\/passwd: No such file or directory/);
    },
  },
  {
    name: 'setuid(0) through ctypes',
    code: libcCallProgram('libc.setuid(0)'),
    limits: QUICK,
    expect(result, context) {
      if (context.backend === 'pyodide') {
        assertMissingModule(result, 'ctypes');
        return;
      }
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^returned -1 errno \d+ uid 1000\n$/);
    },
  },
  {
    name: 'mounting a tmpfs through ctypes',
    code: libcCallProgram('libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)'),
    limits: QUICK,
    expect(result, context) {
      if (context.backend === 'pyodide') {
        assertMissingModule(result, 'ctypes');
        return;
      }
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^returned -1 errno 1 uid 1000\n$/);
    },
  },
  {
    name: 'unsharing a user namespace',
    code: libcCallProgram('libc.unshare(0x10000000)'),
    limits: QUICK,
    expect(result, context) {
      if (context.backend === 'pyodide') {
        assertMissingModule(result, 'ctypes');
        return;
      }
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^returned -1 errno \d+ uid 1000\n$/);
    },
  },
  {
    name: 'ptrace of pid 1',
    code: dedent(`
      import ctypes, os
      libc = ctypes.CDLL(None, use_errno=True)
      PTRACE_ATTACH, PTRACE_DETACH, WAIT_ALL = 16, 17, 0x40000000
      attached = libc.ptrace(PTRACE_ATTACH, 1, None, None)
      if attached == 0:
          os.waitpid(1, WAIT_ALL)
          libc.ptrace(PTRACE_DETACH, 1, None, None)
      with open("/proc/1/cmdline", "rb") as handle:
          target = handle.read().split(b"\\0")[0].decode()
      print("attached" if attached == 0 else "refused", target)
    `),
    limits: QUICK,
    expect(result, context) {
      if (context.backend === 'pyodide') {
        assertMissingModule(result, 'ctypes');
        return;
      }
      // No seccomp filter stops ptrace, but pid 1 is the sandbox's own unprivileged init.
      assertStatus(result, 'ok');
      assert.match(result.stdout, /^(attached|refused) \/usr\/bin\/bwrap\n$/);
    },
  },
  {
    name: 'keeping a key in the kernel keyring for the next run',
    code: dedent(`
      import ctypes
      libc = ctypes.CDLL(None, use_errno=True)
      libc.syscall.restype = ctypes.c_long
      SYS_ADD_KEY, KEY_SPEC_USER_KEYRING = 248, -4
      print("added", libc.syscall(SYS_ADD_KEY, b"user", b"lp-escape-note", b"left by run one", 15, KEY_SPEC_USER_KEYRING) > 0)
    `),
    nextRunCode: dedent(`
      try:
          import ctypes
      except ImportError:
          print("missing")
      else:
          libc = ctypes.CDLL(None, use_errno=True)
          libc.syscall.restype = ctypes.c_long
          SYS_REQUEST_KEY = 249
          found = libc.syscall(SYS_REQUEST_KEY, b"user", b"lp-escape-note", None, 0)
          print("found" if found > 0 else "missing")
    `),
    limits: QUICK,
    expect(result, context, nextResult) {
      assert.ok(nextResult);
      if (context.backend === 'pyodide') {
        assertMissingModule(result, 'ctypes');
      } else {
        assertStatus(result, 'ok');
        assert.equal(result.stdout, 'added True\n');
      }
      assertStatus(nextResult, 'ok');
      assert.equal(nextResult.stdout, 'missing\n');
    },
  },
  {
    name: 'subprocess running host commands',
    code: dedent(`
      import subprocess
      try:
          listing = subprocess.run(["ls", "/"], capture_output=True, text=True, timeout=1)
          passwd = subprocess.run(["cat", "/etc/passwd"], capture_output=True, text=True, timeout=1)
          print(listing.stdout.split(), passwd.returncode)
      except OSError as error:
          print("blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect(result, context) {
      assertStatus(result, 'ok');
      if (context.backend === 'pyodide') {
        assert.equal(result.stdout, 'blocked OSError\n');
        return;
      }
      // Allowed, but the child runs in the same confined file system.
      const entries = SANDBOX_ROOT_ENTRIES.bubblewrap.map((entry) => `'${entry}'`).join(', ');
      assert.equal(result.stdout, `[${entries}] 1\n`);
    },
  },
  {
    name: 'os.system running a shell',
    // The shell also tries to create a marker file next to the host's canary file,
    // which exists only if the command ran outside the sandbox.
    code: (context) => dedent(`
      import os
      try:
          status = os.system("id -u; ls /work /root 2>/dev/null; touch ${shellMarkerPath(context)} 2>/dev/null; echo listed")
          print("status", status)
      except Exception as error:
          print("blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect(result, context) {
      assert.equal(existsSync(shellMarkerPath(context)), false, 'the shell command created a file on the host');
      if (context.backend === 'pyodide') {
        // The runner replaces os.system, because Emscripten's version asks Node for a
        // child process, which the permission model refuses by aborting the interpreter.
        assertStatus(result, 'ok');
        assert.equal(result.stdout, 'blocked OSError\n');
        return;
      }
      assertStatus(result, 'ok');
      assert.equal(result.stdout, '1000\nlisted\nstatus 0\n');
    },
  },

  // Pyodide's JavaScript bridge. On bubblewrap these modules do not exist at all.
  {
    name: 'importing bridge modules',
    code: dedent(`
      import importlib
      for name in ${JSON.stringify(BRIDGE_MODULES)} + ["ctypes", "_ctypes", "_xxsubinterpreters"]:
          # The import statement raises an audit event, importlib.import_module() does not: try both.
          for import_method, load in [("statement", lambda: exec(f"import {name}", {})), ("import_module", lambda: importlib.import_module(name))]:
              try:
                  load()
                  print(name, import_method, "imported")
              except Exception as error:
                  print(name, import_method, "blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect(result, context) {
      assertStatus(result, 'ok');
      const lines = result.stdout.trimEnd().split('\n');
      const nativeOutcome = context.backend === 'pyodide' ? 'blocked ModuleNotFoundError' : 'imported';
      for (const importMethod of ['statement', 'import_module']) {
        for (const name of BRIDGE_MODULES) assert.ok(lines.includes(`${name} ${importMethod} blocked ModuleNotFoundError`), `${name} ${importMethod}: ${lines.join(' | ')}`);
        for (const name of ['ctypes', '_ctypes', '_xxsubinterpreters']) assert.ok(lines.includes(`${name} ${importMethod} ${nativeOutcome}`), `${name} ${importMethod}: ${lines.join(' | ')}`);
      }
    },
  },
  {
    name: 'recreating _pyodide_core from the builtin table',
    code: dedent(`
      import _imp, json, sys
      from importlib.machinery import BuiltinImporter, ModuleSpec

      def describe(value):
          # A value's type, and for a dict the types of its values: enough to spot a function or JsProxy.
          if type(value) is dict:
              return ["dict", sorted({type(item).__name__ for item in value.values()})]
          return [type(value).__name__, []]

      outcome = {}
      for name in ["_pyodide_core", "_ctypes", "_xxsubinterpreters"]:
          if name not in sys.builtin_module_names:
              outcome[name] = "not built in"
              continue
          try:
              module = _imp.create_builtin(ModuleSpec(name, BuiltinImporter, origin="built-in"))
              outcome[name] = {key: describe(value) for key, value in vars(module).items() if not key.startswith("__")}
          except Exception as error:
              outcome[name] = type(error).__name__
      print(json.dumps(outcome))
    `),
    limits: QUICK,
    expect(result, context) {
      const outcome = parseJsonLine<Record<string, string | Record<string, [string, string[]]>>>(result);
      if (context.backend === 'bubblewrap') {
        assert.equal(outcome._pyodide_core, 'not built in');
        return;
      }
      // An error, or a module of plain data only, is safe. A function, class or JsProxy would lead to JavaScript.
      const plainTypes = new Set(['int', 'str', 'bool', 'NoneType']);
      for (const name of ['_pyodide_core', '_ctypes', '_xxsubinterpreters']) {
        const value = outcome[name];
        if (typeof value === 'string') continue;
        assert.ok(value, `${name} is missing from the output`);
        for (const [attribute, [typeName, itemTypes]] of Object.entries(value)) {
          assert.ok(plainTypes.has(typeName) || typeName === 'dict', `${name}.${attribute} is a ${typeName}`);
          for (const itemType of itemTypes) assert.ok(plainTypes.has(itemType), `${name}.${attribute} holds a ${itemType}`);
        }
      }
    },
  },
  {
    name: 'hunting JsProxy objects through gc',
    code: dedent(`
      import gc, json, sys
      proxies = []
      for item in gc.get_objects():
          for value in [item, *(item.values() if type(item) is dict else [])]:
              if type(type(value)).__name__ == "_JsProxyMetaClass":
                  proxies.append(type(value).__name__)
      print(json.dumps({
          "proxies": proxies,
          "modules": sorted(name for name in sys.modules if name.partition(".")[0] in ("js", "pyodide_js", "pyodide", "_pyodide", "_pyodide_core")),
      }))
    `),
    limits: QUICK,
    expect(result) {
      const found = parseJsonLine<{ proxies: string[]; modules: string[] }>(result);
      assert.deepEqual(found.proxies, []);
      assert.deepEqual(found.modules, []);
    },
  },
  {
    name: 'constructing a JsException from a leftover class',
    code: dedent(`
      import gc
      classes = [item for item in gc.get_objects() if isinstance(item, type) and item.__name__ == "JsException"]
      if not classes:
          print("no class")
      else:
          try:
              error = classes[0]("Error", "probe")
              print("created", type(error.js_error).__name__)
          except Exception as error:
              print("blocked", type(error).__name__)
    `),
    limits: QUICK,
    expect(result, context) {
      if (context.backend === 'bubblewrap') {
        assertStatus(result, 'ok');
        assert.equal(result.stdout, 'no class\n');
        return;
      }
      // The class survives the bridge cut, but without _pyodide_core creating one ends the interpreter.
      assert.doesNotMatch(result.stdout, /created/);
      assert.ok(['killed', 'ok', 'error'].includes(result.status), `status ${result.status}`);
      if (result.status === 'ok') assert.match(result.stdout, /^(no class|blocked \w+)\n$/);
    },
  },
  {
    name: 'calling a leftover JsFinder',
    code: dedent(`
      import gc
      finders = [item for item in gc.get_objects() if type(item).__name__ == "JsFinder"]
      outcomes = []
      for finder in finders:
          try:
              outcomes.append(repr(finder.find_spec("js", None)))
          except Exception as error:
              outcomes.append(type(error).__name__)
      try:
          import js
          outcomes.append("js imported")
      except ImportError as error:
          outcomes.append(type(error).__name__)
      print(outcomes)
    `),
    limits: QUICK,
    expect(result) {
      assertStatus(result, 'ok');
      assert.doesNotMatch(result.stdout, /js imported|ModuleSpec/);
      assert.match(result.stdout, /'ModuleNotFoundError'\]\n$/);
    },
  },
];
