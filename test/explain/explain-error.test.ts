import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { explainError, MAX_TEXT_LENGTH } from '../../src/explain/index.js';
import { EXPLAIN_CASES } from './cases.js';

const PYTHON = '/usr/bin/python3';
const pythonMissing = existsSync(PYTHON) ? false : `${PYTHON} is not installed, so no real traceback can be produced`;
const workFolders: string[] = [];

/** Runs `python3 main.py` in a fresh folder, as the sandbox does, and returns its stderr. */
function runPython(code: string, stdin = ''): string {
  const folder = mkdtempSync(join(tmpdir(), 'explain-test-'));
  workFolders.push(folder);
  writeFileSync(join(folder, 'main.py'), code);

  const result = spawnSync(PYTHON, ['main.py'], {
    cwd: folder,
    input: stdin,
    encoding: 'utf8',
    timeout: 10_000,
    env: { LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (result.error) {
    throw result.error;
  }
  return result.stderr;
}

after(() => {
  for (const folder of workFolders) {
    rmSync(folder, { recursive: true, force: true });
  }
});

describe('explainError with real CPython tracebacks', { skip: pythonMissing }, () => {
  for (const testCase of EXPLAIN_CASES) {
    it(testCase.name, () => {
      const stderr = runPython(testCase.code, testCase.stdin);
      const explanation = explainError(testCase.code, stderr);

      assert.ok(explanation, `no explanation for stderr:\n${stderr}`);
      assert.equal(explanation.errorType, testCase.errorType, stderr);
      assert.equal(explanation.line, testCase.expectedLine, stderr);
      const text = `${explanation.summary}\n${explanation.hint}`;
      for (const mention of testCase.mentions) {
        assert.ok(text.includes(mention), `expected ${JSON.stringify(mention)} in:\n${text}`);
      }
      assert.ok(explanation.summary.length <= MAX_TEXT_LENGTH, `summary too long: ${explanation.summary}`);
      assert.ok(explanation.hint.length <= MAX_TEXT_LENGTH, `hint too long: ${explanation.hint}`);
    });
  }

  it('clean run gives null', () => {
    const stderr = runPython('print("hello")\n');
    assert.equal(explainError('print("hello")\n', stderr), null);
  });

  it('warnings only give null', () => {
    const code = 'import warnings\nwarnings.warn("old style")\nprint("done")\n';
    const stderr = runPython(code);
    assert.match(stderr, /UserWarning/);
    assert.equal(explainError(code, stderr), null);
  });

  it('sys.exit with a code gives null', () => {
    const code = 'import sys\nsys.exit(3)\n';
    assert.equal(explainError(code, runPython(code)), null);
  });

  it('output printed to stderr before a traceback', () => {
    const code = 'import sys\nprint("File \\"x.py\\", line 9", file=sys.stderr)\nvalue = {}["key"]\n';
    const explanation = explainError(code, runPython(code));
    assert.equal(explanation?.errorType, 'KeyError');
    assert.equal(explanation?.line, 3);
  });

  it('error inside a library call points at the learner line', () => {
    const code = 'import random\n\nchoices = []\nprint(random.choice(choices))\n';
    const explanation = explainError(code, runPython(code));
    assert.equal(explanation?.errorType, 'IndexError');
    assert.equal(explanation?.line, 4);
    assert.match(explanation?.summary ?? '', /empty/);
  });
});
