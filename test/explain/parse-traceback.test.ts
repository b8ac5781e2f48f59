import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTraceback } from '../../src/explain/parse-traceback.js';

const RUNTIME_TRACEBACK = `Traceback (most recent call last):
  File "/tmp/run/main.py", line 5, in <module>
    b()
  File "/tmp/run/main.py", line 4, in b
    return a()
           ^^^
  File "/tmp/run/main.py", line 2, in a
    return 1/0
           ~^~
ZeroDivisionError: division by zero
`;

const SYNTAX_ERROR = `  File "/tmp/run/main.py", line 2
    if x > 2
            ^
SyntaxError: expected ':'
`;

const PYODIDE_SYNTAX_ERROR = `Traceback (most recent call last):
  File "/lib/python311.zip/_pyodide/_base.py", line 573, in eval_code_async
    await CodeRunner(
          ^^^^^^^^^^^
  File "/lib/python311.zip/_pyodide/_base.py", line 145, in _parse_and_compile_gen
    mod = compile(source, filename, mode, flags | ast.PyCF_ONLY_AST)
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<exec>", line 1
    nums=[1,2
         ^
SyntaxError: '[' was never closed
`;

const CHAINED = `Traceback (most recent call last):
  File "main.py", line 2, in <module>
    1/0
    ~^~
ZeroDivisionError: division by zero

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "main.py", line 4, in <module>
    x = {}["k"]
        ~~^^^^^
KeyError: 'k'
`;

const RECURSION = `Traceback (most recent call last):
  File "main.py", line 3, in <module>
    f(3)
  File "main.py", line 2, in f
    return f(n - 1)
           ^^^^^^^^
  File "main.py", line 2, in f
    return f(n - 1)
           ^^^^^^^^
  [Previous line repeated 996 more times]
RecursionError: maximum recursion depth exceeded
`;

const PYODIDE_MODULE = `Traceback (most recent call last):
  File "/lib/python311.zip/_pyodide/_base.py", line 393, in run_async
    coroutine = eval(self.code, globals, locals)
                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<exec>", line 1, in <module>
ModuleNotFoundError: The module 'numpy' is included in the Pyodide distribution, but it is not installed.
You can install it by calling:
  await micropip.install("numpy") in Python, or
  await pyodide.loadPackage("numpy") in JavaScript
`;

describe('parseTraceback', () => {
  it('reads frames of a runtime error', () => {
    const parsed = parseTraceback(RUNTIME_TRACEBACK);
    assert.ok(parsed);
    assert.equal(parsed.errorType, 'ZeroDivisionError');
    assert.equal(parsed.message, 'division by zero');
    assert.deepEqual(
      parsed.frames.map((frame) => [frame.line, frame.functionName]),
      [
        [5, '<module>'],
        [4, 'b'],
        [2, 'a'],
      ],
    );
  });

  it('keeps printed source and marker lines', () => {
    const last = parseTraceback(RUNTIME_TRACEBACK)?.frames.at(-1);
    assert.equal(last?.printedLine, 'return 1/0');
    assert.equal(last?.markerLine, '       ~^~');
    assert.equal(parseTraceback(RUNTIME_TRACEBACK)?.frames[0]?.markerLine, null);
  });

  it('reads a syntax error header', () => {
    const parsed = parseTraceback(SYNTAX_ERROR);
    assert.equal(parsed?.errorType, 'SyntaxError');
    assert.equal(parsed?.message, "expected ':'");
    assert.equal(parsed?.frames.length, 1);
    assert.equal(parsed?.frames[0]?.line, 2);
    assert.equal(parsed?.frames[0]?.functionName, null);
  });

  it('reads a Pyodide syntax error', () => {
    const parsed = parseTraceback(PYODIDE_SYNTAX_ERROR);
    assert.equal(parsed?.errorType, 'SyntaxError');
    assert.equal(parsed?.frames.at(-1)?.file, '<exec>');
    assert.equal(parsed?.frames.at(-1)?.line, 1);
  });

  it('takes the last of chained exceptions', () => {
    const parsed = parseTraceback(CHAINED);
    assert.equal(parsed?.errorType, 'KeyError');
    assert.equal(parsed?.message, "'k'");
    assert.equal(parsed?.frames.length, 1);
  });

  it('skips repeated-line notes', () => {
    const parsed = parseTraceback(RECURSION);
    assert.equal(parsed?.errorType, 'RecursionError');
    assert.equal(parsed?.frames.length, 3);
  });

  it('keeps a message over several lines', () => {
    const parsed = parseTraceback(PYODIDE_MODULE);
    assert.equal(parsed?.errorType, 'ModuleNotFoundError');
    assert.match(parsed?.message ?? '', /^The module 'numpy'/);
    assert.match(parsed?.message ?? '', /loadPackage/);
  });

  it('drops the module of a qualified type', () => {
    const parsed = parseTraceback('Traceback (most recent call last):\n  File "main.py", line 3, in <module>\n__main__.OutOfStock: no apples\n');
    assert.equal(parsed?.errorType, 'OutOfStock');
    assert.equal(parsed?.message, 'no apples');
  });

  it('reads an exception without a message', () => {
    const parsed = parseTraceback('Traceback (most recent call last):\n  File "main.py", line 1, in <module>\n    assert 1 == 2\nAssertionError\n');
    assert.equal(parsed?.errorType, 'AssertionError');
    assert.equal(parsed?.message, '');
  });

  it('accepts Windows line endings', () => {
    const parsed = parseTraceback(RUNTIME_TRACEBACK.replace(/\n/g, '\r\n'));
    assert.equal(parsed?.errorType, 'ZeroDivisionError');
    assert.equal(parsed?.frames.length, 3);
  });

  it('returns null for empty stderr', () => {
    assert.equal(parseTraceback(''), null);
  });

  it('returns null for warnings only', () => {
    assert.equal(parseTraceback('/tmp/run/main.py:2: UserWarning: careful\n  warnings.warn("careful")\n'), null);
  });

  it('returns null for a cut-off traceback', () => {
    assert.equal(parseTraceback('Traceback (most recent call last):\n  File "main.py", line 1, in <module>\n    print(x)\n'), null);
  });
});
