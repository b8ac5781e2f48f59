/**
 * The Pyodide backend, tested as its users see it: real child processes, real
 * interpreters, real limits. Escape attempts run against sandboxes and a TCP
 * listener that this test starts on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createPyodideBackend } from '../../../src/sandbox/backends/pyodide/index.js';
import { LineSplitter, parseChildMessage } from '../../../src/sandbox/backends/pyodide/protocol.js';
import { SandboxChild } from '../../../src/sandbox/backends/pyodide/sandbox-child.js';
import { DEFAULT_RUN_LIMITS, type RunLimits, type RunResult, type SandboxBackend } from '../../../src/sandbox/types.js';

/** Time on top of a wall limit for the kill and the child's exit. */
const WALL_MARGIN_MS = 3_000;

const QUICK_LIMITS: Partial<RunLimits> = { wallMs: 3_000, cpuMs: 1_500 };

// Set before any child starts, so a backend that passed its environment on would leak it.
const canaryName = `LP_PYODIDE_CANARY_${randomBytes(6).toString('hex').toUpperCase()}`;
const canaryValue = `canary-${randomBytes(16).toString('hex')}`;
process.env[canaryName] = canaryValue;

const testFilePath = fileURLToPath(import.meta.url);

interface RunOptions {
  stdin?: string;
  limits?: Partial<RunLimits>;
}

function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').trimEnd().split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return `${lines.map((line) => line.slice(indent)).join('\n')}\n`;
}

function describeResult(result: RunResult): string {
  return `status ${result.status}, stdout ${JSON.stringify(result.stdout.slice(0, 400))}, stderr ${JSON.stringify(result.stderr.slice(-600))}`;
}

/** Pids of this process's children that run the Pyodide child script. */
async function listPyodideChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // A process may exit between readdir and these reads.
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${entry}/stat`, 'utf8').catch(() => ''),
      readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''),
    ]);
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parentPid === process.pid && cmdline.includes('/pyodide/child/main.mjs')) pids.push(Number(entry));
  }
  return pids;
}

describe('pyodide backend', { timeout: 600_000 }, () => {
  let backend: SandboxBackend;
  let listener: Server;
  let listenerPort: number;
  let listenerConnections = 0;
  let forbiddenTexts: string[];

  before(async () => {
    backend = createPyodideBackend({ poolSize: 2 });
    await backend.start();

    listener = createServer((socket) => {
      listenerConnections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerPort = (listener.address() as { port: number }).port;

    const testFileLines = (await readFile(testFilePath, 'utf8')).split('\n').filter((line) => line.trim().length > 20);
    const passwdLines = (await readFile('/etc/passwd', 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
    forbiddenTexts = [canaryValue, ...testFileLines.slice(0, 5), ...passwdLines];
  });

  after(async () => {
    delete process.env[canaryName];
    await backend.close();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  function run(code: string, options: RunOptions = {}): Promise<RunResult> {
    return backend.run({ code, stdin: options.stdin ?? '', limits: { ...DEFAULT_RUN_LIMITS, ...options.limits } });
  }

  function assertNoLeak(result: RunResult): void {
    const output = result.stdout + result.stderr;
    for (const text of forbiddenTexts) {
      assert.ok(!output.includes(text), `the output contains host text ${JSON.stringify(text.slice(0, 60))}`);
    }
  }

  describe('running programs', () => {
    it('prints hello world', async () => {
      const result = await run('print("hi")\n');

      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(result.stdout, 'hi\n');
      assert.equal(result.stderr, '');
      assert.equal(result.exitCode, 0);
      assert.equal(result.truncated, false);
    });

    it('reports the Python version', () => {
      assert.match(backend.pythonVersion(), /^3\.\d+\.\d+$/);
    });

    it('reads input() from stdin', async () => {
      const code = 'name = input("Name? ")\nage = int(input())\nprint(f"{name} is {age + 1} next year")\n';
      const result = await run(code, { stdin: 'Ada\n36\n' });

      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(result.stdout, 'Name? Ada is 37 next year\n');
    });

    it('raises EOFError when stdin runs out', async () => {
      const result = await run('print(input())\nprint(input())\n', { stdin: 'only line\n' });

      assert.equal(result.status, 'error', describeResult(result));
      assert.equal(result.stdout, 'only line\n');
      assert.match(result.stderr, /\nEOFError: EOF when reading a line\n$/);
    });

    it('prints a CPython traceback naming main.py', async () => {
      const result = await run('def divide(a, b):\n    return a / b\nprint(divide(1, 0))\n');

      assert.equal(result.status, 'error', describeResult(result));
      assert.equal(result.exitCode, 1);
      assert.equal(
        result.stderr,
        [
          'Traceback (most recent call last):',
          '  File "/home/learner/main.py", line 3, in <module>',
          '    print(divide(1, 0))',
          '          ^^^^^^^^^^^^',
          '  File "/home/learner/main.py", line 2, in divide',
          '    return a / b',
          '           ~~^~~',
          'ZeroDivisionError: division by zero',
          '',
        ].join('\n'),
      );
    });

    it('reports a syntax error without a traceback header', async () => {
      const result = await run('print("open"\n');

      assert.equal(result.status, 'error', describeResult(result));
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /^ {2}File "\/home\/learner\/main\.py", line 1\n/);
      assert.match(result.stderr, /\nSyntaxError: '\(' was never closed\n$/);
    });

    it('maps SystemExit to the exit code', async () => {
      const [three, zero, message] = await Promise.all([
        run('import sys\nsys.exit(3)\n'),
        run('raise SystemExit\n'),
        run('import sys\nsys.exit("bye")\n'),
      ]);

      assert.equal(three.status, 'error', describeResult(three));
      assert.equal(three.exitCode, 3);
      assert.equal(zero.status, 'ok', describeResult(zero));
      assert.equal(zero.exitCode, 0);
      assert.equal(message.exitCode, 1);
      assert.equal(message.stderr, 'bye\n');
    });

    it('runs asyncio programs', async () => {
      const code = dedent(`
        import asyncio
        async def double(x):
            await asyncio.sleep(0.01)
            return 2 * x
        async def main():
            return await asyncio.gather(double(1), double(2))
        print(asyncio.run(main()))
      `);
      const result = await run(code);

      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(result.stdout, '[2, 4]\n');
    });
  });

  describe('limits', () => {
    it('stops an endless loop at the time limit', async () => {
      const result = await run('while True:\n    pass\n', { limits: QUICK_LIMITS });

      assert.equal(result.status, 'timeout', describeResult(result));
      assert.equal(result.exitCode, null);
      assert.ok(result.durationMs <= 3_000 + WALL_MARGIN_MS, `ended after ${result.durationMs} ms`);
    });

    it('kills a long C call at the wall clock', async () => {
      // One multiplication inside C never reaches a bytecode boundary, so only the parent's kill ends it.
      const result = await run('print("start", flush=True)\nx = 10 ** (10 ** 9)\n', { limits: { wallMs: 2_000 } });

      assert.equal(result.status, 'timeout', describeResult(result));
      assert.equal(result.stdout, 'start\n');
      assert.ok(result.durationMs <= 2_000 + WALL_MARGIN_MS, `ended after ${result.durationMs} ms`);
    });

    it('stops a memory bomb', async () => {
      const result = await run('blocks = []\nwhile True:\n    blocks.append(bytearray(10_000_000))\n', { limits: QUICK_LIMITS });

      assert.equal(result.status, 'memory_limit', describeResult(result));
      assert.match(result.stderr, /MemoryError/);
    });

    it('applies a lower memory limit from the request', async () => {
      const result = await run('data = bytearray(60_000_000)\nwhile True:\n    pass\n', {
        limits: { ...QUICK_LIMITS, memoryBytes: 48 * 1024 * 1024 },
      });

      assert.equal(result.status, 'memory_limit', describeResult(result));
    });

    it('cuts an output flood', async () => {
      const maxOutputBytes = 4_096;
      const result = await run('while True:\n    print("x" * 99)\n', { limits: { ...QUICK_LIMITS, maxOutputBytes } });

      assert.equal(result.status, 'output_limit', describeResult(result));
      assert.equal(result.truncated, true);
      assert.ok(Buffer.byteLength(result.stdout) <= maxOutputBytes, `${Buffer.byteLength(result.stdout)} bytes kept`);
      assert.match(result.stdout, /^[x\n]+$/);
    });

    it('stops file writes past maxFileBytes', async () => {
      const maxFileBytes = 256 * 1024;
      const code = dedent(`
        written = 0
        try:
            with open("big.bin", "wb", buffering=0) as handle:
                while written < 4 * 1024 * 1024:
                    written += handle.write(b"z" * 65536)
            print("wrote", written)
        except OSError as error:
            print("stopped", error.strerror, written)
      `);
      const result = await run(code, { limits: { ...QUICK_LIMITS, maxFileBytes } });

      assert.equal(result.status, 'ok', describeResult(result));
      const match = /^stopped File too large (\d+)\n$/.exec(result.stdout);
      assert.ok(match, result.stdout);
      assert.ok(Number(match[1]) <= maxFileBytes);
    });
  });

  describe('isolation between runs', () => {
    it('forgets files written by an earlier run', async () => {
      const first = await run('with open("note.txt", "w") as f:\n    f.write("left behind")\nwith open("/tmp/note.txt", "w") as f:\n    f.write("left behind")\nprint("wrote")\n');
      const second = await run('import os\nprint(os.path.exists("note.txt"), os.path.exists("/tmp/note.txt"))\n');

      assert.equal(first.stdout, 'wrote\n', describeResult(first));
      assert.equal(second.status, 'ok', describeResult(second));
      assert.equal(second.stdout, 'False False\n');
    });

    it('forgets globals and module state of an earlier run', async () => {
      const first = await run('import builtins, json\nbuiltins.planted = 1\njson.planted = 2\nsecret = 3\nprint("planted")\n');
      const second = await run(dedent(`
        import builtins, json
        print(hasattr(builtins, "planted"), hasattr(json, "planted"), "secret" in globals())
      `));

      assert.equal(first.stdout, 'planted\n', describeResult(first));
      assert.equal(second.status, 'ok', describeResult(second));
      assert.equal(second.stdout, 'False False False\n');
    });
  });

  describe('escape attempts', () => {
    for (const statement of ['import js', 'import pyodide_js', 'from pyodide.ffi import to_js, create_proxy', 'import _pyodide_core', 'import ctypes']) {
      it(`fails ${statement}`, async () => {
        const result = await run(`${statement}\nprint("imported")\n`);

        assertNoLeak(result);
        assert.equal(result.status, 'error', describeResult(result));
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /\nModuleNotFoundError: No module named '[\w.]+'\n$/);
      });
    }

    it('gets an empty _pyodide_core from the builtin table', async () => {
      const code = dedent(`
        import _imp, json, sys
        from importlib.machinery import BuiltinImporter, ModuleSpec
        sys.modules.pop("_pyodide_core", None)
        module = _imp.create_builtin(ModuleSpec("_pyodide_core", BuiltinImporter, origin="built-in"))
        print(json.dumps(sorted(name for name, value in vars(module).items() if callable(value))))
      `);
      const result = await run(code);

      assertNoLeak(result);
      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(result.stdout, '[]\n');
    });

    it('finds no JsProxy through gc or sys.modules', async () => {
      const code = dedent(`
        import gc, json, sys
        proxies = set()
        for item in gc.get_objects():
            for value in [item, *gc.get_referents(item)]:
                if not isinstance(value, type) and type(type(value)).__name__ == "_JsProxyMetaClass":
                    proxies.add(type(value).__name__)
        modules = [name for name in sys.modules if name.partition(".")[0] in ("js", "pyodide_js", "pyodide", "_pyodide", "_pyodide_core")]
        print(json.dumps({"proxies": sorted(proxies), "modules": modules}))
      `);
      const result = await run(code);

      assertNoLeak(result);
      assert.equal(result.status, 'ok', describeResult(result));
      assert.deepEqual(JSON.parse(result.stdout), { proxies: [], modules: [] });
    });

    it('refuses to create a JsException from the leftover class', async () => {
      const code = dedent(`
        classes = []
        stack = [BaseException]
        while stack:
            cls = stack.pop()
            classes.append(cls)
            stack.extend(cls.__subclasses__())
        found = [cls for cls in classes if cls.__name__ == "JsException"]
        try:
            error = found[0]("Error", "probe")
            print("created", error.js_error)
        except Exception as error:
            print("blocked", type(error).__name__)
      `);
      const result = await run(code);

      assertNoLeak(result);
      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(result.stdout, 'blocked TypeError\n');
    });

    it('walks no frame into Pyodide', async () => {
      const code = dedent(`
        import sys
        frame = sys._getframe()
        while frame is not None:
            print(frame.f_code.co_filename)
            frame = frame.f_back
      `);
      const result = await run(code);

      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(result.stdout, '/home/learner/main.py\n<sandbox runner>\n<sandbox runner>\n');
    });

    it('reaches no js.fetch, js.process or js.require', async () => {
      const code = dedent(`
        import importlib, sys
        routes = {
            "__import__": lambda: __import__("js"),
            "import_module": lambda: importlib.import_module("js"),
            "sys.modules": lambda: sys.modules["js"],
            "pyodide_js": lambda: importlib.import_module("pyodide_js"),
        }
        for route, get_js in routes.items():
            for name in ("fetch", "process", "require"):
                try:
                    target = getattr(get_js(), name)
                    print(route, name, "reached", target)
                except Exception as error:
                    print(route, name, "blocked", type(error).__name__)
      `);
      const result = await run(code);

      assertNoLeak(result);
      assert.equal(result.status, 'ok', describeResult(result));
      assert.doesNotMatch(result.stdout, /reached/);
      assert.equal(result.stdout.trimEnd().split('\n').length, 12);
    });

    it('reads no host file through the emscripten file system', async () => {
      const code = dedent(`
        import os
        for path in ["/proc/self/environ", "/proc/1/environ", "/etc/passwd", ${JSON.stringify(testFilePath)}]:
            try:
                with open(path, "rb") as handle:
                    print("read", path, handle.read(200))
            except OSError as error:
                print("blocked", type(error).__name__)
        print(sorted(os.listdir("/")))
      `);
      const result = await run(code);

      assertNoLeak(result);
      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(
        result.stdout,
        "blocked FileNotFoundError\n".repeat(4) + "['dev', 'home', 'lib', 'proc', 'tmp']\n",
      );
    });

    it('keeps the host environment out of os.environ', async () => {
      const result = await run('import os\nprint(os.environ.get(' + JSON.stringify(canaryName) + '))\nprint(sorted(os.environ))\n');

      assertNoLeak(result);
      assert.equal(result.status, 'ok', describeResult(result));
      assert.equal(result.stdout, "None\n['HOME', 'LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING']\n");
    });

    it('reaches no host socket', async () => {
      const code = dedent(`
        import socket
        attempts = {
            "tcp": lambda: socket.create_connection(("127.0.0.1", ${listenerPort}), timeout=1),
            "udp": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", ${listenerPort})),
            "dns": lambda: socket.getaddrinfo("example.com", 80),
            "listen": lambda: socket.create_server(("127.0.0.1", 0)),
        }
        for name, attempt in attempts.items():
            try:
                attempt()
                print(name, "succeeded")
            except OSError as error:
                print(name, "failed", type(error).__name__)
      `);
      const result = await run(code);

      assertNoLeak(result);
      assert.equal(result.status, 'ok', describeResult(result));
      assert.doesNotMatch(result.stdout, /succeeded/);
      assert.equal(listenerConnections, 0);
    });
  });

  describe('pool and processes', () => {
    it('serves more concurrent runs than the pool holds', async () => {
      const results = await Promise.all([1, 2, 3, 4].map((n) => run(`print(${n} * 11)\n`)));

      assert.deepEqual(
        results.map((result) => result.stdout),
        ['11\n', '22\n', '33\n', '44\n'],
      );
    });
  });
});

// Runs after the shared backend above has closed, so every Pyodide child of
// this process belongs to the backend of the running test.
describe('pyodide backend processes', { timeout: 120_000 }, () => {
  it('starts children with empty environment', async (t) => {
    const backend = createPyodideBackend({ poolSize: 1 });
    t.after(() => backend.close());
    await backend.start();

    const pids = await listPyodideChildren();
    assert.ok(pids.length > 0, 'no warm child found');
    for (const pid of pids) {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      const limits = await readFile(`/proc/${pid}/limits`, 'utf8');
      assert.equal(environ, '', `child ${pid} has environment variables`);
      assert.match(limits, /^Max cpu time\s+\d+\s+\d+\s+seconds/m);
      assert.match(limits, /^Max core file size\s+0\s+0\s/m);
    }
  });

  it('leaves no child process after close', async () => {
    const backend = createPyodideBackend({ poolSize: 2 });
    await backend.start();
    const result = await backend.run({ code: 'print("once")\n', stdin: '', limits: { ...DEFAULT_RUN_LIMITS } });
    const beforeClose = await listPyodideChildren();
    await backend.close();
    const afterClose = await listPyodideChildren();
    const closedRun = await backend.run({ code: 'print("after")\n', stdin: '', limits: { ...DEFAULT_RUN_LIMITS } });

    assert.equal(result.stdout, 'once\n', describeResult(result));
    assert.ok(beforeClose.length > 0, 'the backend had no warm child to close');
    assert.deepEqual(afterClose, []);
    assert.equal(closedRun.status, 'killed');
  });
});

describe('pyodide child protocol', () => {
  /** Starts a fake child: a Node script that behaves like a broken or hostile child. */
  function fakeChild(script: string, readyTimeoutMs = 10_000): SandboxChild {
    return new SandboxChild({ file: process.execPath, args: ['--input-type=module', '-e', script] }, readyTimeoutMs);
  }

  const READY_LINE = 'process.stdout.write(JSON.stringify({ type: "ready", pythonVersion: "3.11.3" }) + "\\n");';
  const limits = { ...DEFAULT_RUN_LIMITS, wallMs: 5_000 };

  it('turns a child that sends nonsense into killed', async (t) => {
    const child = fakeChild(`${READY_LINE} process.stdin.once("data", () => process.stdout.write("not json\\n")); setInterval(() => {}, 1000);`);
    t.after(async () => {
      child.kill();
      await child.exited;
    });

    await child.ready;
    const result = await child.run({ code: 'print(1)', stdin: '', limits });

    assert.equal(result.status, 'killed');
    assert.equal(result.exitCode, null);
    assert.match(result.stderr, /stopped unexpectedly/);
  });

  it('turns a child that dies mid-run into killed', async (t) => {
    const child = fakeChild(`${READY_LINE} process.stdin.once("data", () => process.exit(3));`);
    t.after(async () => {
      child.kill();
      await child.exited;
    });

    await child.ready;
    const result = await child.run({ code: 'print(1)', stdin: '', limits });

    assert.equal(result.status, 'killed');
  });

  it('caps output that a child sends past the limit', async (t) => {
    const chunk = Buffer.from('y'.repeat(3_000)).toString('base64');
    const flood = `for (let i = 0; i < 10; i++) process.stdout.write(JSON.stringify({ type: "output", stream: "stdout", data: "${chunk}" }) + "\\n");`;
    const child = fakeChild(`${READY_LINE} process.stdin.once("data", () => { ${flood} }); setInterval(() => {}, 1000);`);
    t.after(async () => {
      child.kill();
      await child.exited;
    });

    await child.ready;
    const result = await child.run({ code: 'print(1)', stdin: '', limits: { ...limits, maxOutputBytes: 4_000 } });

    assert.equal(result.status, 'output_limit');
    assert.equal(result.truncated, true);
    assert.equal(result.stdout, 'y'.repeat(4_000));
  });

  it('rejects a child that never becomes ready', async (t) => {
    const child = fakeChild('setInterval(() => {}, 1000);', 500);
    t.after(async () => {
      child.kill();
      await child.exited;
    });

    await assert.rejects(child.ready, /not ready after 500 ms/);
  });

  it('parses valid messages and rejects malformed ones', () => {
    assert.deepEqual(parseChildMessage('{"type":"ready","pythonVersion":"3.11.3"}'), { type: 'ready', pythonVersion: '3.11.3' });
    assert.deepEqual(parseChildMessage('{"type":"done","exitCode":1,"uncaught":"ValueError"}'), {
      type: 'done',
      exitCode: 1,
      uncaught: 'ValueError',
    });

    const malformed = [
      'not json',
      'null',
      '{"type":"ready","pythonVersion":"3.11"}',
      '{"type":"output","stream":"stdin","data":"eA=="}',
      '{"type":"output","stream":"stdout","data":"not base64!"}',
      '{"type":"done","exitCode":256,"uncaught":null}',
      '{"type":"done","exitCode":0,"uncaught":"<script>"}',
      '{"type":"limit","limit":"disk"}',
      '{"type":"unknown"}',
    ];
    for (const line of malformed) {
      assert.equal(parseChildMessage(line), null, line);
    }
  });

  it('refuses a line longer than its limit', () => {
    const splitter = new LineSplitter(16);

    assert.deepEqual(splitter.push(Buffer.from('short\nrest')), ['short']);
    assert.deepEqual(splitter.push(Buffer.from('\n')), ['rest']);
    assert.equal(splitter.push(Buffer.from('x'.repeat(17))), null);
  });
});
