import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { completeUtf8Length, BoundedOutput } from '../../../src/sandbox/backends/bubblewrap/bounded-output.js';
import { listSandboxCgroupDirs } from '../../../src/sandbox/backends/bubblewrap/cgroups.js';
import { createBubblewrapBackend, isBubblewrapUsable } from '../../../src/sandbox/backends/bubblewrap/index.js';
import { effectiveLimits } from '../../../src/sandbox/backends/bubblewrap/limits.js';
import { DEFAULT_RUN_LIMITS, type RunLimits, type RunResult, type SandboxBackend } from '../../../src/sandbox/types.js';

const bwrapInstalled = spawnSync('bwrap', ['--version']).status === 0;

/** Margin for process start-up and kill on top of a limit the backend promises to enforce. */
const LIMIT_MARGIN_MS = 2_000;

describe('bubblewrap backend', { skip: bwrapInstalled ? false : 'bwrap not installed' }, () => {
  let backend: SandboxBackend;

  before(async () => {
    backend = createBubblewrapBackend();
    await backend.start();
  });

  after(async () => {
    await backend.close();
  });

  function run(code: string, options: { stdin?: string; limits?: Partial<RunLimits> } = {}): Promise<RunResult> {
    return backend.run({ code, stdin: options.stdin ?? '', limits: { ...DEFAULT_RUN_LIMITS, ...options.limits } });
  }

  it('reports the Python version', () => {
    assert.match(backend.pythonVersion(), /^3\.\d+\.\d+$/);
  });

  it('runs hello world', async () => {
    const result = await run('print("hello, world")');

    assert.equal(result.status, 'ok');
    assert.equal(result.stdout, 'hello, world\n');
    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    assert.equal(result.truncated, false);
    assert.ok(result.durationMs >= 0);
  });

  it('feeds stdin to input()', async () => {
    const result = await run('name = input()\nage = input()\nprint(f"{name} is {age}")', { stdin: 'Ada\n36\n' });

    assert.equal(result.status, 'ok');
    assert.equal(result.stdout, 'Ada is 36\n');
  });

  it('reports EOFError when stdin runs out', async () => {
    const result = await run('input()\ninput()', { stdin: 'only one line\n' });

    assert.equal(result.status, 'error');
    assert.match(result.stderr, /EOFError/);
  });

  it('reports an exception with its traceback', async () => {
    const result = await run('total = 1\nprint(total / 0)\n');

    assert.equal(result.status, 'error');
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /File "\/home\/learner\/main\.py", line 2, in <module>/);
    assert.match(result.stderr, /ZeroDivisionError: division by zero/);
  });

  it('reports a syntax error', async () => {
    const result = await run('print("unclosed"\n');

    assert.equal(result.status, 'error');
    assert.match(result.stderr, /SyntaxError/);
  });

  it('passes on the exit code of sys.exit', async () => {
    const result = await run('import sys\nsys.exit(3)');

    assert.equal(result.status, 'error');
    assert.equal(result.exitCode, 3);
  });

  it('imports the common standard library', async () => {
    const code = [
      'import json, random, datetime, collections, itertools, math, decimal, fractions',
      'import statistics, re, string, sqlite3, csv, tempfile, pathlib, dataclasses, hashlib',
      'print(json.dumps({"sum": math.fsum([0.1] * 10)}))',
    ].join('\n');
    const result = await run(code);

    assert.equal(result.status, 'ok', result.stderr);
    assert.equal(result.stdout, '{"sum": 1.0}\n');
  });

  it('keeps UTF-8 text intact', async () => {
    const result = await run('s = input()\nprint(s[::-1], len(s))', { stdin: 'héllo wörld €\n' });

    assert.equal(result.status, 'ok');
    assert.equal(result.stdout, '€ dlröw olléh 13\n');
  });

  it('stops a CPU spin at the CPU limit', async () => {
    const limits = { cpuMs: 1_000, wallMs: 10_000 };
    const result = await run('while True:\n    pass', { limits });

    assert.equal(result.status, 'timeout');
    assert.equal(result.exitCode, null);
    // RLIMIT_CPU sends SIGXCPU at the limit, well before the wall clock would.
    assert.ok(result.durationMs < limits.cpuMs + LIMIT_MARGIN_MS, `took ${result.durationMs} ms`);
  });

  it('stops code that ignores SIGXCPU', async () => {
    const limits = { cpuMs: 1_000, wallMs: 10_000 };
    const code = 'import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass';
    const result = await run(code, { limits });

    assert.equal(result.status, 'timeout');
    // The hard CPU limit, one second above the soft one, ends it with SIGKILL.
    assert.ok(result.durationMs < limits.cpuMs + 1_000 + LIMIT_MARGIN_MS, `took ${result.durationMs} ms`);
  });

  it('stops a sleep at the wall limit and keeps earlier output', async () => {
    const limits = { wallMs: 1_000 };
    const result = await run('import time\nprint("before")\ntime.sleep(60)\nprint("after")', { limits });

    assert.equal(result.status, 'timeout');
    assert.equal(result.exitCode, null);
    assert.equal(result.stdout, 'before\n');
    assert.ok(result.durationMs >= limits.wallMs);
    assert.ok(result.durationMs < limits.wallMs + LIMIT_MARGIN_MS, `took ${result.durationMs} ms`);
  });

  it('reports memory_limit for a large allocation', async () => {
    const result = await run('data = bytearray(1024 * 1024 * 1024)');

    assert.equal(result.status, 'memory_limit');
    assert.match(result.stderr, /MemoryError/);
  });

  it('reports memory_limit for a growing list', async () => {
    const result = await run('chunks = []\nwhile True:\n    chunks.append(" " * 100_000)');

    assert.equal(result.status, 'memory_limit');
  });

  it('bounds the memory of forked children together', { skip: cgroupSkipReason('memory') }, async () => {
    const code = [
      'import os, time',
      'for _ in range(4):',
      '    if os.fork() == 0:',
      '        block = bytearray(100 * 1024 * 1024)',
      '        for i in range(0, len(block), 4096):',
      '            block[i] = 1',
      '        time.sleep(1)',
      '        os._exit(0)',
      'statuses = [os.wait()[1] for _ in range(4)]',
      'print(sum(1 for status in statuses if os.WIFSIGNALED(status)))',
    ].join('\n');
    const result = await run(code);

    // Each child fits the per-process address-space limit, but four do not fit the run's memory cgroup.
    assert.equal(result.status, 'ok', result.stderr);
    assert.ok(Number(result.stdout) >= 1, `children killed: ${result.stdout}`);
  });

  it('stops an output flood and cuts it at a character boundary', async () => {
    const limits = { maxOutputBytes: 10_000 };
    const result = await run('while True:\n    print("é€" * 100)', { limits });

    assert.equal(result.status, 'output_limit');
    assert.equal(result.truncated, true);
    assert.equal(result.exitCode, null);
    assert.ok(Buffer.byteLength(result.stdout) <= limits.maxOutputBytes);
    assert.ok(Buffer.byteLength(result.stdout) > limits.maxOutputBytes - 4);
    assert.ok(!result.stdout.includes('\uFFFD'), 'the cut split a character');
  });

  it('stops a flood on stderr', async () => {
    const result = await run('import sys\nwhile True:\n    sys.stderr.write("x" * 4096)', { limits: { maxOutputBytes: 8_192 } });

    assert.equal(result.status, 'output_limit');
    assert.equal(result.truncated, true);
    assert.equal(result.stderr.length, 8_192);
  });

  it('reads and writes files in the working folder', async () => {
    const code = [
      'import os',
      'with open("notes.txt", "w") as f:',
      '    f.write("line 1\\n")',
      'print(open("notes.txt").read().strip(), os.getcwd(), sorted(os.listdir(".")))',
    ].join('\n');
    const result = await run(code);

    assert.equal(result.status, 'ok', result.stderr);
    assert.equal(result.stdout, "line 1 /home/learner ['main.py', 'notes.txt']\n");
  });

  it('keeps no file from one run to the next', async () => {
    const first = await run('open("notes.txt", "w").write("x")\nopen("/tmp/scratch", "w").write("x")\nprint("written")');
    const second = await run('import os\nprint(os.path.exists("notes.txt"), os.path.exists("/tmp/scratch"))');

    assert.equal(first.stdout, 'written\n');
    assert.equal(second.status, 'ok');
    assert.equal(second.stdout, 'False False\n');
  });

  it('rejects a file larger than the file budget', async () => {
    const result = await run('open("big.txt", "w").write("x" * 2_000_000)');

    assert.equal(result.status, 'error');
    assert.match(result.stderr, /File too large|No space left on device/);
  });

  it('shares one file budget between /tmp, /dev/shm and the working folder', async () => {
    const code = [
      'open("/tmp/a", "w").write("x" * 400_000)',
      'open("/dev/shm/b", "w").write("x" * 400_000)',
      'print("two written", flush=True)',
      'open("c", "w").write("x" * 400_000)',
    ].join('\n');
    const result = await run(code);

    assert.equal(result.status, 'error');
    assert.equal(result.stdout, 'two written\n');
    assert.match(result.stderr, /No space left on device/);
  });

  it('has no network', async () => {
    const code = [
      'import socket',
      'print(socket.if_nameindex())',
      'try:',
      '    socket.create_connection(("127.0.0.1", 5432), timeout=2)',
      '    print("connected")',
      'except OSError as error:',
      '    print(type(error).__name__)',
    ].join('\n');
    const result = await run(code);

    assert.equal(result.status, 'ok', result.stderr);
    assert.equal(result.stdout, "[(1, 'lo')]\nConnectionRefusedError\n");
  });

  it('passes no host environment variable', async (t) => {
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    process.env.LEARNPYTHON_TEST_SECRET = canary;
    t.after(() => {
      delete process.env.LEARNPYTHON_TEST_SECRET;
    });

    const result = await run('import json, os\nprint(json.dumps(sorted(os.environ)))\nprint(os.environ.get("LEARNPYTHON_TEST_SECRET"))');
    const [namesLine, secretLine] = result.stdout.split('\n');

    assert.equal(result.status, 'ok', result.stderr);
    assert.ok(!result.stdout.includes(canary));
    assert.equal(secretLine, 'None');
    const allowed = new Set(['PATH', 'LANG', 'PYTHONIOENCODING', 'HOME', 'PYTHONDONTWRITEBYTECODE', 'PWD']);
    for (const name of JSON.parse(namesLine ?? '[]') as string[]) assert.ok(allowed.has(name), `unexpected variable ${name}`);
  });

  it('runs as an unprivileged user without capabilities', async () => {
    const code = [
      'import os',
      'status = open("/proc/self/status").read()',
      'caps = [line.split()[1] for line in status.splitlines() if line.startswith(("CapEff", "CapPrm", "CapBnd"))]',
      'print(os.getuid(), os.getgid(), caps)',
    ].join('\n');
    const result = await run(code);

    assert.equal(result.status, 'ok', result.stderr);
    assert.equal(result.stdout, "1000 1000 ['0000000000000000', '0000000000000000', '0000000000000000']\n");
  });

  it('cannot create user namespaces', async () => {
    const code = [
      'import ctypes, os',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'CLONE_NEWUSER = 0x10000000',
      'print(libc.unshare(CLONE_NEWUSER), os.strerror(ctypes.get_errno()))',
    ].join('\n');
    const result = await run(code);

    assert.equal(result.status, 'ok', result.stderr);
    assert.match(result.stdout, /^-1 /);
  });

  it('sees no host folders', async () => {
    const code = [
      'import os',
      'paths = ["/root", "/work", "/etc", "/sys", "/var", "/home/learner"]',
      'print([path for path in paths if os.path.exists(path)], sorted(os.listdir("/home")))',
    ].join('\n');
    const result = await run(code);

    assert.equal(result.status, 'ok', result.stderr);
    assert.equal(result.stdout, "['/home/learner'] ['learner']\n");
  });

  it('inherits no open descriptor', async () => {
    const result = await run('import os\nprint(sorted(int(fd) for fd in os.listdir("/proc/self/fd")))');

    assert.equal(result.status, 'ok', result.stderr);
    // 0-2 are stdio, and 3 is the directory descriptor that listdir itself has open.
    assert.equal(result.stdout, '[0, 1, 2, 3]\n');
  });

  it('sees only its own processes', async () => {
    const result = await run('import os\nprint(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))');

    assert.equal(result.status, 'ok', result.stderr);
    // The sandbox's init process and Python.
    assert.equal(result.stdout, '[1, 2]\n');
  });

  it('contains a fork bomb and then runs cleanly', async () => {
    const bomb = 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass';
    const bombResult = await run(bomb, { limits: { wallMs: 2_000 } });
    const next = await run('print("still fine")');

    assert.equal(bombResult.status, 'timeout');
    assert.ok(bombResult.durationMs < 2_000 + LIMIT_MARGIN_MS, `took ${bombResult.durationMs} ms`);
    assert.equal(next.status, 'ok');
    assert.equal(next.stdout, 'still fine\n');
  });

  it('limits the number of processes', async () => {
    const code = [
      'import os, time',
      'children = 0',
      'try:',
      '    for _ in range(100):',
      '        if os.fork() == 0:',
      '            time.sleep(5)',
      '            os._exit(0)',
      '        children += 1',
      'except OSError:',
      '    pass',
      'print(children)',
    ].join('\n');
    const result = await run(code, { limits: { wallMs: 3_000 } });
    const children = Number(result.stdout.trim());

    assert.ok(children > 0, result.stdout + result.stderr);
    assert.ok(children < DEFAULT_RUN_LIMITS.maxProcesses, `forked ${children} children`);
  });

  it('runs a fork bomb and a normal run side by side', async () => {
    const bomb = 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass';
    const [bombResult, normal] = await Promise.all([
      run(bomb, { limits: { wallMs: 2_000 } }),
      run('import time\ntime.sleep(0.5)\nprint("fine")'),
    ]);

    assert.equal(bombResult.status, 'timeout');
    assert.equal(normal.status, 'ok', normal.stderr);
    assert.equal(normal.stdout, 'fine\n');
  });

  it('leaves no process or cgroup after a killed run', async () => {
    const marker = `sandbox-marker-${randomBytes(8).toString('hex')}`;
    const code = [
      'import subprocess, time',
      `subprocess.Popen(["/usr/bin/python3", "-c", "import time; time.sleep(60)", "${marker}"], start_new_session=True)`,
      'print("started", flush=True)',
      'time.sleep(60)',
    ].join('\n');
    const result = await run(code, { limits: { wallMs: 1_500 } });

    assert.equal(result.status, 'timeout');
    assert.equal(result.stdout, 'started\n');
    assert.deepEqual(await findProcessesWithArgument(marker), []);
    assert.deepEqual(await findZombieChildren(), []);
    const runCgroups = (await listSandboxCgroupDirs()).filter((dir) => /\/run-\d+$/.test(dir));
    assert.deepEqual(runCgroups, []);
  });

});

describe('bubblewrap backend lifecycle', { skip: bwrapInstalled ? false : 'bwrap not installed' }, () => {
  it('is usable on this host', async () => {
    assert.equal(await isBubblewrapUsable(), true);
  });

  it('fails to start when bwrap cannot run', async (t) => {
    const backend = createBubblewrapBackend({ bwrapPath: '/bin/false' });
    t.after(() => backend.close());

    await assert.rejects(backend.start(), /bubblewrap cannot run sandboxed Python/);
    const result = await backend.run({ code: 'print(1)', stdin: '', limits: DEFAULT_RUN_LIMITS });
    assert.equal(result.status, 'killed');
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /not started/);
  });

  it('reports not usable when bwrap is missing', async () => {
    assert.equal(await isBubblewrapUsable({ bwrapPath: '/nonexistent/bwrap' }), false);
  });

  it('rejects a Python outside /usr', async (t) => {
    const backend = createBubblewrapBackend({ pythonPath: '/opt/python/bin/python3' });
    t.after(() => backend.close());

    await assert.rejects(backend.start(), /below \/usr/);
  });

  it('lets a request lower limits but not raise them', async (t) => {
    const backend = createBubblewrapBackend({ limits: { ...DEFAULT_RUN_LIMITS, wallMs: 1_000 } });
    t.after(() => backend.close());
    await backend.start();

    const raised = await backend.run({ code: 'import time\ntime.sleep(60)', stdin: '', limits: { ...DEFAULT_RUN_LIMITS, wallMs: 60_000 } });
    const lowered = await backend.run({ code: 'print("x" * 100)', stdin: '', limits: { ...DEFAULT_RUN_LIMITS, maxOutputBytes: 10 } });

    assert.equal(raised.status, 'timeout');
    assert.ok(raised.durationMs < 1_000 + LIMIT_MARGIN_MS, `took ${raised.durationMs} ms`);
    assert.equal(lowered.status, 'output_limit');
    assert.equal(lowered.stdout, 'x'.repeat(10));
  });

  it('kills runs in progress on close', async (t) => {
    const backend = createBubblewrapBackend();
    t.after(() => backend.close());
    await backend.start();

    const pending = backend.run({ code: 'import time\ntime.sleep(60)', stdin: '', limits: DEFAULT_RUN_LIMITS });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await backend.close();
    const result = await pending;

    assert.equal(result.status, 'killed');
    assert.ok(result.durationMs < DEFAULT_RUN_LIMITS.wallMs, `took ${result.durationMs} ms`);
    assert.match(result.stderr, /shutting down/);
    assert.deepEqual(await listSandboxCgroupDirs(), []);
  });
});

describe('bubblewrap helpers', () => {
  it('keeps output below the limit whole', () => {
    const output = new BoundedOutput(10);

    assert.equal(output.append(Buffer.from('hello')), true);
    assert.equal(output.overflowed, false);
    assert.equal(output.text(), 'hello');
  });

  it('cuts at the limit and reports overflow', () => {
    const output = new BoundedOutput(4);

    assert.equal(output.append(Buffer.from('abcdef')), false);
    assert.equal(output.overflowed, true);
    assert.equal(output.text(), 'abcd');
  });

  it('drops a character split by the cut', () => {
    // "€" is three bytes, so a four-byte cut of "ab€cd" ends inside it.
    const splitting = new BoundedOutput(4);
    splitting.append(Buffer.from('ab€cd'));
    const fitting = new BoundedOutput(5);
    fitting.append(Buffer.from('ab€cd'));

    assert.equal(splitting.text(), 'ab');
    assert.equal(fitting.text(), 'ab€');
  });

  it('computes effective limits', () => {
    const lowered = effectiveLimits(DEFAULT_RUN_LIMITS, { wallMs: 60_000, cpuMs: 500, memoryBytes: -1 });

    assert.deepEqual(lowered, { ...DEFAULT_RUN_LIMITS, cpuMs: 500 });
  });

  it('finds complete UTF-8 prefixes', () => {
    const euro = Buffer.from('€');
    const emoji = Buffer.from('😀');

    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), euro])), 4);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)])), 1);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), emoji.subarray(0, 3)])), 1);
    assert.equal(completeUtf8Length(emoji), 4);
    assert.equal(completeUtf8Length(Buffer.alloc(0)), 0);
  });
});

function cgroupSkipReason(controller: string): string | false {
  const text = readFileSync('/proc/self/cgroup', 'utf8');
  const isRoot = process.getuid?.() === 0;
  const hasV1Controller = text.split('\n').some((line) => line.split(':')[1]?.split(',').includes(controller));
  return isRoot && hasV1Controller ? false : `no writable cgroup v1 ${controller} controller`;
}

async function findProcessesWithArgument(argument: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(argument)) found.push(Number(entry));
  }
  return found;
}

async function findZombieChildren(): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which sits in parentheses: state, ppid, ...
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' && Number(ppid) === process.pid) found.push(Number(entry));
  }
  return found;
}
