import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestMatch, editDistance } from '../../src/explain/edit-distance.js';
import { explainError } from '../../src/explain/index.js';
import { findDefinitions, findFunction } from '../../src/explain/python-names.js';
import { findIndentationStyles, findUnclosedBracket, maskStringsAndComments } from '../../src/explain/python-source.js';

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('cuont', 'count'), 1);
  });

  it('counts inserts, deletes and replacements', () => {
    assert.equal(editDistance('mesage', 'message'), 1);
    assert.equal(editDistance('prnt', 'print'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
});

describe('closestMatch', () => {
  it('prefers a case-only difference', () => {
    assert.equal(closestMatch('Print', ['print', 'Prin', 'pint']), 'print');
  });

  it('returns null when nothing is near', () => {
    assert.equal(closestMatch('banana', ['print', 'input']), null);
  });

  it('returns null when the word is a candidate', () => {
    assert.equal(closestMatch('count', ['count', 'cont']), null);
  });
});

describe('maskStringsAndComments', () => {
  it('keeps offsets and blanks strings and comments', () => {
    const code = 'x = "a(b" # note (\ny = [1]\n';
    const masked = maskStringsAndComments(code);
    assert.equal(masked.length, code.length);
    assert.equal(masked.split('\n')[0], 'x = "   "         ');
    assert.equal(masked.split('\n')[1], 'y = [1]');
  });

  it('masks triple-quoted strings across lines', () => {
    const masked = maskStringsAndComments('s = """(\n[""" + f(1)\n');
    assert.equal(masked, 's = """ \n """ + f(1)\n');
  });
});

describe('findUnclosedBracket', () => {
  it('finds the line where a bracket opened', () => {
    assert.deepEqual(findUnclosedBracket('a = 1\nb = max(a,\n  2\nprint(b)\n'), { bracket: '(', line: 2, column: 7 });
  });

  it('ignores brackets inside strings and comments', () => {
    assert.equal(findUnclosedBracket('print("(")  # [\n'), null);
  });
});

describe('findIndentationStyles', () => {
  it('lists tab and space lines', () => {
    assert.deepEqual(findIndentationStyles('if x:\n\ta = 1\n    b = 2\n'), { tabLines: [2], spaceLines: [3] });
  });
});

describe('findDefinitions', () => {
  it('finds assignments, loops, parameters and imports', () => {
    const definitions = findDefinitions('import math as m\ndef area(width, height=2):\n    total = width\nfor i, item in enumerate([]):\n    pass\n');
    assert.deepEqual(definitions.get('m'), [1]);
    assert.deepEqual(definitions.get('area'), [2]);
    assert.deepEqual(definitions.get('height'), [2]);
    assert.deepEqual(definitions.get('total'), [3]);
    assert.deepEqual(definitions.get('item'), [4]);
  });

  it('skips keyword arguments and subscripts', () => {
    const definitions = findDefinitions('print("a", end="")\nscores["ana"] = 3\n');
    assert.equal(definitions.has('end'), false);
    assert.equal(definitions.has('scores'), false);
  });
});

describe('findFunction', () => {
  it('finds parameters and body lines', () => {
    const found = findFunction('def add(a, b):\n    c = a + b\n\n    return c\nprint(add(1, 2))\n', 'add');
    assert.deepEqual(found, { line: 1, parameters: ['a', 'b'], bodyLines: [2, 4] });
  });
});

describe('explainError on literal stderr', () => {
  it('points an end-of-file report at the open bracket', () => {
    const code = 'total = 0\nvalues = [1, 2,\n    3\nprint(values)\n';
    const stderr = '  File "main.py", line 5\n    \n    ^\nSyntaxError: unexpected EOF while parsing\n';
    const explanation = explainError(code, stderr);
    assert.equal(explanation?.line, 2);
    assert.match(explanation?.summary ?? '', /'\['/);
  });

  it('reads Pyodide frames without source lines', () => {
    const code = 'count = 1\nprint(cuont)\n';
    const stderr =
      'Traceback (most recent call last):\n' +
      '  File "/lib/python311.zip/_pyodide/_base.py", line 393, in run_async\n' +
      '    coroutine = eval(self.code, globals, locals)\n' +
      '                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
      '  File "<exec>", line 2, in <module>\n' +
      "NameError: name 'cuont' is not defined\n";
    const explanation = explainError(code, stderr);
    assert.equal(explanation?.line, 2);
    assert.equal(explanation?.errorType, 'NameError');
    assert.match(explanation?.summary ?? '', /'count'/);
  });

  it('takes the learner file in any folder', () => {
    const code = 'import random\nrandom.choice([])\n';
    const stderr =
      'Traceback (most recent call last):\n' +
      '  File "/sandbox/work/main.py", line 2, in <module>\n' +
      '    random.choice([])\n' +
      '  File "/usr/lib/python3.11/random.py", line 373, in choice\n' +
      "    raise IndexError('Cannot choose from an empty sequence')\n" +
      'IndexError: Cannot choose from an empty sequence\n';
    assert.equal(explainError(code, stderr)?.line, 2);
  });

  it('prefers main.py over code run with exec', () => {
    const stderr =
      'Traceback (most recent call last):\n' +
      '  File "/tmp/run/main.py", line 3, in <module>\n' +
      '    exec(source)\n' +
      '  File "<string>", line 1\n' +
      '    x = = 1\n' +
      '        ^\n' +
      'SyntaxError: invalid syntax\n';
    assert.equal(explainError('a = 1\nsource = "x = = 1"\nexec(source)\n', stderr)?.line, 3);
  });

  it('falls back to the last frame outside the library', () => {
    const stderr =
      'Traceback (most recent call last):\n' +
      '  File "/box/program.py", line 7, in <module>\n' +
      '  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads\n' +
      'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n';
    const explanation = explainError('', stderr);
    assert.equal(explanation?.line, 7);
    assert.equal(explanation?.errorType, 'JSONDecodeError');
  });

  it('shortens long texts', () => {
    const key = 'k'.repeat(500);
    const stderr = `Traceback (most recent call last):\n  File "main.py", line 1, in <module>\nKeyError: '${key}'\n`;
    const explanation = explainError(`d = {}\nd['${key}']\n`, stderr);
    assert.ok(explanation);
    assert.ok(explanation.summary.length <= 300);
    assert.ok(explanation.summary.endsWith('…'));
  });
});
