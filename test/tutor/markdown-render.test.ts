import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { highlightPython, isSafeHref, parseInline, parseMarkdown, type InlineNode } from '../../src/client/markdown-render.js';

const text = (value: string): InlineNode => ({ type: 'text', text: value });

describe('parseMarkdown', () => {
  it('splits paragraphs at blank lines and joins soft breaks', () => {
    assert.deepEqual(parseMarkdown('First line\nstill first.\n\nSecond.'), [
      { type: 'paragraph', children: [text('First line still first.')] },
      { type: 'paragraph', children: [text('Second.')] },
    ]);
  });

  it('reads a fenced code block with its language', () => {
    assert.deepEqual(parseMarkdown('Try this:\n```python\nprint("hi")\n\nx = 1\n```\nDone.'), [
      { type: 'paragraph', children: [text('Try this:')] },
      { type: 'code_block', language: 'python', code: 'print("hi")\n\nx = 1' },
      { type: 'paragraph', children: [text('Done.')] },
    ]);
  });

  it('runs an unclosed fence to the end', () => {
    assert.deepEqual(parseMarkdown('```\nfor i in range(3):\n    print(i'), [
      { type: 'code_block', language: '', code: 'for i in range(3):\n    print(i' },
    ]);
  });

  it('keeps Markdown inside code blocks as code', () => {
    const [block] = parseMarkdown('~~~\n**not bold** <script>\n~~~');
    assert.deepEqual(block, { type: 'code_block', language: '', code: '**not bold** <script>' });
  });

  it('reads bullet and numbered lists', () => {
    assert.deepEqual(parseMarkdown('- one\n- two\n  continued\n\n3. three\n4. four'), [
      { type: 'list', ordered: false, start: 1, items: [[text('one')], [text('two continued')]] },
      { type: 'list', ordered: true, start: 3, items: [[text('three')], [text('four')]] },
    ]);
  });

  it('reads headings', () => {
    assert.deepEqual(parseMarkdown('## Why it fails\nBecause.'), [
      { type: 'heading', children: [text('Why it fails')] },
      { type: 'paragraph', children: [text('Because.')] },
    ]);
  });

  it('keeps raw HTML as text', () => {
    assert.deepEqual(parseMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)>'), [
      { type: 'paragraph', children: [text('<script>alert(1)</script> <img src=x onerror=alert(1)>')] },
    ]);
  });
});

describe('parseInline', () => {
  it('reads code spans, strong and emphasis', () => {
    assert.deepEqual(parseInline('Call `print(x)` **now**, *please*.'), [
      text('Call '),
      { type: 'code', text: 'print(x)' },
      text(' '),
      { type: 'strong', children: [text('now')] },
      text(', '),
      { type: 'em', children: [text('please')] },
      text('.'),
    ]);
  });

  it('leaves arithmetic and snake_case alone', () => {
    assert.deepEqual(parseInline('2 * 3 * 4 and my_long_name_here'), [text('2 * 3 * 4 and my_long_name_here')]);
  });

  it('keeps Markdown inside code spans literal', () => {
    assert.deepEqual(parseInline('`**x**`'), [{ type: 'code', text: '**x**' }]);
  });

  it('makes http links and keeps others as text', () => {
    assert.deepEqual(parseInline('[docs](https://docs.python.org/3/)'), [
      { type: 'link', href: 'https://docs.python.org/3/', children: [text('docs')] },
    ]);
    assert.deepEqual(parseInline('[click](javascript:alert(1))'), [text('[click](javascript:alert(1))')]);
    assert.deepEqual(parseInline('[x](JavaScript:alert`1`)'), [text('[x](JavaScript:alert`1`)')]);
    assert.deepEqual(parseInline('[x](data:text/html,hi)'), [text('[x](data:text/html,hi)')]);
  });

  it('honours backslash escapes', () => {
    assert.deepEqual(parseInline('\\*not em\\*'), [text('*not em*')]);
  });

  it('stops nesting past the depth limit', () => {
    const deep = `${'*'.repeat(40)}x${'*'.repeat(40)}`;
    const nodes = parseInline(deep);
    let depth = 0;
    let current: InlineNode[] = nodes;
    while (current.length > 0 && (current[0]!.type === 'strong' || current[0]!.type === 'em')) {
      depth += 1;
      current = (current[0] as { children: InlineNode[] }).children;
    }
    assert.ok(depth <= 5);
  });
});

describe('isSafeHref', () => {
  it('accepts only absolute http and https URLs', () => {
    assert.equal(isSafeHref('https://python.org'), true);
    assert.equal(isSafeHref('http://python.org/x?y=1'), true);
    assert.equal(isSafeHref('javascript:alert(1)'), false);
    assert.equal(isSafeHref('//evil.example'), false);
    assert.equal(isSafeHref('/relative'), false);
    assert.equal(isSafeHref('vbscript:x'), false);
  });
});

describe('highlightPython', () => {
  it('marks keywords, builtins, strings, numbers and comments', () => {
    const tokens = highlightPython('for i in range(10):\n    print("hi", i)  # loop\n');
    const kinds = tokens.filter((token) => token.kind !== 'text').map((token) => [token.kind, token.text]);
    assert.deepEqual(kinds, [
      ['keyword', 'for'],
      ['keyword', 'in'],
      ['builtin', 'range'],
      ['number', '10'],
      ['builtin', 'print'],
      ['string', '"hi"'],
      ['comment', '# loop'],
    ]);
  });

  it('gives back the source unchanged when joined', () => {
    const source = 'def f(x_1, y=0x1F):\n    """doc\n    string"""\n    return f\'{x_1}\' if x_1 else None\ns = \'open';
    assert.equal(highlightPython(source).map((token) => token.text).join(''), source);
  });

  it('does not split names that contain keywords', () => {
    const tokens = highlightPython('format_for = iffy');
    assert.deepEqual(tokens, [{ kind: 'text', text: 'format_for = iffy' }]);
  });
});
