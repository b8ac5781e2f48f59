/**
 * Every backend must print exactly what Debian's CPython prints for ordinary
 * beginner programs. The expected output comes from running each program of
 * conformance-programs.ts with /usr/bin/python3 as main.py in a temporary
 * folder, with the same flags as the bubblewrap backend.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { listUsableBackends } from '../../src/sandbox/backends/select.js';
import type { RunResult } from '../../src/sandbox/types.js';
import { startSandboxService, type RunningSandbox } from '../helpers/sandbox-service.js';
import { CONFORMANCE_PROGRAMS, type ConformanceProgram } from './conformance-programs.js';

const CPYTHON_PATH = '/usr/bin/python3';
const CPYTHON_TIMEOUT_MS = 10_000;

/** The path both backends give the learner's file, so tracebacks name it the same way. */
const SANDBOX_MAIN_PATH = '/home/learner/main.py';

const backends = await listUsableBackends();

interface CpythonRun {
  stdout: string;
  /** With the temporary folder's main.py path replaced by the sandbox's. */
  stderr: string;
  exitCode: number;
}

/** Runs one program with Debian's CPython as `python3 -I -B -X utf8 -u main.py`, as the bubblewrap backend does. */
function runWithCpython(program: ConformanceProgram): CpythonRun {
  const folder = mkdtempSync(path.join(tmpdir(), 'lp-conformance-'));
  try {
    const mainPath = path.join(folder, 'main.py');
    writeFileSync(mainPath, program.code);
    const run = spawnSync(CPYTHON_PATH, ['-I', '-B', '-X', 'utf8', '-u', 'main.py'], {
      cwd: folder,
      input: program.stdin ?? '',
      encoding: 'utf8',
      timeout: CPYTHON_TIMEOUT_MS,
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    if (run.error) throw run.error;
    if (run.status === null) throw new Error(`CPython was killed by ${String(run.signal)} while running "${program.name}".`);
    return { stdout: run.stdout, stderr: run.stderr.replaceAll(mainPath, SANDBOX_MAIN_PATH), exitCode: run.status };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function execute(service: RunningSandbox, program: ConformanceProgram): Promise<RunResult> {
  const response = await fetch(new URL('/v1/execute', service.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-secret': service.secret },
    body: JSON.stringify({ code: program.code, stdin: program.stdin ?? '' }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text) as RunResult;
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

describe('conformance with CPython', () => {
  const expected = new Map<string, CpythonRun>();

  before(() => {
    for (const program of CONFORMANCE_PROGRAMS) expected.set(program.name, runWithCpython(program));
  });

  it('has one expected result per program', () => {
    assert.equal(expected.size, CONFORMANCE_PROGRAMS.length, 'two programs share a name');
  });

  for (const backend of backends) {
    describe(`on ${backend}`, () => {
      let service: RunningSandbox;

      before(async () => {
        service = await startSandboxService(backend);
      });

      after(async () => {
        await service.close();
      });

      for (const program of CONFORMANCE_PROGRAMS) {
        it(program.name, async () => {
          const cpython = expected.get(program.name);
          assert.ok(cpython);
          const result = await execute(service, program);

          assert.equal(result.stdout, cpython.stdout);
          assert.equal(result.exitCode, cpython.exitCode, result.stderr);
          assert.equal(result.status, cpython.exitCode === 0 ? 'ok' : 'error');
          assert.equal(result.truncated, false);
          if (cpython.stderr === '') {
            assert.equal(result.stderr, '');
            return;
          }
          assert.equal(lastLine(result.stderr), lastLine(cpython.stderr));
          assert.equal(result.stderr, cpython.stderr);
        });
      }
    });
  }
});
