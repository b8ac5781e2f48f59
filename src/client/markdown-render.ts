/**
 * A small Markdown renderer for tutor answers. The text comes from a language
 * model that a learner can steer, so it is treated as hostile. The parser builds
 * a plain tree of the few node types below, and the renderer turns only those
 * into DOM nodes with createElement, createTextNode and textContent, never
 * innerHTML. Raw HTML and any other syntax stay visible as text, so the node
 * types are the allow-list.
 */

/** Inline content of a paragraph, heading or list item. */
export type InlineNode =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: InlineNode[] }
  | { type: 'em'; children: InlineNode[] }
  | { type: 'link'; href: string; children: InlineNode[] };

/** A block of the answer. */
export type BlockNode =
  | { type: 'paragraph'; children: InlineNode[] }
  | { type: 'heading'; children: InlineNode[] }
  | { type: 'list'; ordered: boolean; start: number; items: InlineNode[][] }
  | { type: 'code_block'; language: string; code: string };

/** One highlighted piece of Python source. */
export interface PythonToken {
  kind: 'keyword' | 'builtin' | 'string' | 'comment' | 'number' | 'text';
  text: string;
}

export interface RenderOptions {
  /** Called with a code block's text when the learner presses its "Use this code" button. */
  onUseCode(code: string): void;
}

const FENCE_PATTERN = /^ {0,3}(`{3,}|~{3,})\s*([\w+.-]*)[^`]*$/;
const HEADING_PATTERN = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const BULLET_PATTERN = /^\s*[-*+]\s+(.*)$/;
const NUMBERED_PATTERN = /^\s*(\d{1,9})[.)]\s+(.*)$/;
/** Nesting depth of emphasis past which markers stay as text, so crafted input cannot recurse deeply. */
const MAX_INLINE_DEPTH = 4;
const PYTHON_LANGUAGES = new Set(['', 'python', 'py', 'python3', 'pycon']);

/** Parses Markdown into blocks. An unclosed code fence runs to the end, which suits a half-streamed answer. */
export function parseMarkdown(source: string): BlockNode[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: BlockNode[] = [];
  let index = 0;

  while (index < lines.length) {
    const line = lines[index]!;
    const fence = FENCE_PATTERN.exec(line);
    if (fence) {
      index = readCodeBlock(lines, index, fence[1]!, fence[2]!.toLowerCase(), blocks);
      continue;
    }
    if (line.trim() === '') {
      index += 1;
      continue;
    }
    const heading = HEADING_PATTERN.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', children: parseInline(heading[1]!) });
      index += 1;
      continue;
    }
    if (BULLET_PATTERN.test(line) || NUMBERED_PATTERN.test(line)) {
      index = readList(lines, index, blocks);
      continue;
    }
    index = readParagraph(lines, index, blocks);
  }
  return blocks;
}

function readCodeBlock(lines: string[], start: number, fence: string, language: string, blocks: BlockNode[]): number {
  const body: string[] = [];
  let index = start + 1;
  while (index < lines.length && !isClosingFence(lines[index]!, fence)) {
    body.push(lines[index]!);
    index += 1;
  }
  blocks.push({ type: 'code_block', language, code: body.join('\n') });
  return index + 1;
}

function isClosingFence(line: string, opening: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= opening.length && trimmed === opening[0]!.repeat(trimmed.length);
}

function readList(lines: string[], start: number, blocks: BlockNode[]): number {
  const firstNumber = NUMBERED_PATTERN.exec(lines[start]!);
  const ordered = firstNumber !== null;
  const itemPattern = ordered ? NUMBERED_PATTERN : BULLET_PATTERN;
  const items: string[] = [];
  let index = start;

  while (index < lines.length) {
    const line = lines[index]!;
    const item = itemPattern.exec(line);
    if (item) {
      items.push(item[item.length - 1]!);
    } else if (line.trim() !== '' && /^\s/.test(line) && !FENCE_PATTERN.test(line)) {
      // An indented line continues the item above it.
      items[items.length - 1] += ` ${line.trim()}`;
    } else {
      break;
    }
    index += 1;
  }
  blocks.push({ type: 'list', ordered, start: ordered ? Number(firstNumber[1]) : 1, items: items.map((text) => parseInline(text)) });
  return index;
}

function readParagraph(lines: string[], start: number, blocks: BlockNode[]): number {
  const text: string[] = [];
  let index = start;
  while (index < lines.length) {
    const line = lines[index]!;
    const startsOtherBlock = FENCE_PATTERN.test(line) || HEADING_PATTERN.test(line) || BULLET_PATTERN.test(line) || NUMBERED_PATTERN.test(line);
    if (line.trim() === '' || (text.length > 0 && startsOtherBlock)) break;
    text.push(line.trim());
    index += 1;
  }
  blocks.push({ type: 'paragraph', children: parseInline(text.join(' ')) });
  return index;
}

/** Parses inline Markdown: `code`, **strong**, *em* or _em_, [links](https://...) and backslash escapes. */
export function parseInline(text: string, depth = 0): InlineNode[] {
  const nodes: InlineNode[] = [];
  let plain = '';
  const flushPlain = (): void => {
    if (plain !== '') nodes.push({ type: 'text', text: plain });
    plain = '';
  };

  let index = 0;
  while (index < text.length) {
    const match = matchInlineAt(text, index, depth);
    if (match) {
      flushPlain();
      nodes.push(match.node);
      index = match.end;
      continue;
    }
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length && /[\\`*_[\]()#+\-.!<>]/.test(text[index + 1]!)) {
      plain += text[index + 1];
      index += 2;
      continue;
    }
    plain += char;
    index += 1;
  }
  flushPlain();
  return nodes;
}

function matchInlineAt(text: string, index: number, depth: number): { node: InlineNode; end: number } | null {
  const char = text[index]!;
  if (char === '`') return matchCodeSpan(text, index);
  if (char === '[') return matchLink(text, index, depth);
  if (depth >= MAX_INLINE_DEPTH) return null;
  if ((char === '*' || char === '_') && text[index + 1] === char) return matchDelimited(text, index, char.repeat(2), 'strong', depth);
  if (char === '*' || char === '_') return matchDelimited(text, index, char, 'em', depth);
  return null;
}

function matchCodeSpan(text: string, index: number): { node: InlineNode; end: number } | null {
  let ticks = 0;
  while (text[index + ticks] === '`') ticks += 1;
  const marker = '`'.repeat(ticks);
  const close = text.indexOf(marker, index + ticks);
  if (close === -1) return null;
  return { node: { type: 'code', text: text.slice(index + ticks, close) }, end: close + ticks };
}

function matchDelimited(text: string, index: number, marker: string, type: 'strong' | 'em', depth: number): { node: InlineNode; end: number } | null {
  const contentStart = index + marker.length;
  // "2 * 3 * 4" and snake_case names are not emphasis.
  if (contentStart >= text.length || /\s/.test(text[contentStart]!)) return null;
  if (marker[0] === '_' && index > 0 && /\w/.test(text[index - 1]!)) return null;

  let close = text.indexOf(marker, contentStart);
  while (close !== -1 && !isClosingMarker(text, close, marker)) close = text.indexOf(marker, close + 1);
  if (close === -1 || close === contentStart) return null;
  return { node: { type, children: parseInline(text.slice(contentStart, close), depth + 1) }, end: close + marker.length };
}

function isClosingMarker(text: string, index: number, marker: string): boolean {
  const after = text[index + marker.length] ?? '';
  if (/\s/.test(text[index - 1]!)) return false;
  if (marker[0] === '_' && /\w/.test(after)) return false;
  // A single * or _ directly before another one belongs to a ** or __ pair.
  return !(marker.length === 1 && after === marker);
}

function matchLink(text: string, index: number, depth: number): { node: InlineNode; end: number } | null {
  const link = /^\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/.exec(text.slice(index));
  if (!link) return null;
  const [whole, label, href] = link as unknown as [string, string, string];
  // Only web links become anchors. javascript:, data: and every other scheme stay visible as text.
  if (!isSafeHref(href)) return { node: { type: 'text', text: whole }, end: index + whole.length };
  return { node: { type: 'link', href, children: parseInline(label, depth + 1) }, end: index + whole.length };
}

/** Returns true for absolute http(s) URLs, the only links an answer may carry. */
export function isSafeHref(href: string): boolean {
  if (!/^https?:\/\//i.test(href)) return false;
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'case', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'match',
  'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
const PYTHON_BUILTINS = new Set([
  'abs', 'all', 'any', 'bool', 'dict', 'enumerate', 'filter', 'float', 'input', 'int', 'isinstance', 'len', 'list',
  'map', 'max', 'min', 'open', 'print', 'range', 'reversed', 'round', 'set', 'sorted', 'str', 'sum', 'tuple', 'type', 'zip',
]);
const PYTHON_TOKEN_PATTERN = new RegExp([
  '(?<comment>#[^\\n]*)',
  '(?<string>[rRbBfFuU]{0,2}(?:"""[\\s\\S]*?(?:"""|$(?![\\s\\S]))|\'\'\'[\\s\\S]*?(?:\'\'\'|$(?![\\s\\S]))|"(?:\\\\.|[^"\\\\\\n])*"?|\'(?:\\\\.|[^\'\\\\\\n])*\'?))',
  '(?<number>\\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\\d[\\d_]*(?:\\.\\d[\\d_]*)?(?:[eE][+-]?\\d+)?j?)\\b)',
  '(?<name>[A-Za-z_]\\w*)',
].join('|'), 'gy');

/** Splits Python source into tokens for highlighting; joined back together they give the source unchanged. */
export function highlightPython(code: string): PythonToken[] {
  const tokens: PythonToken[] = [];
  const push = (kind: PythonToken['kind'], text: string): void => {
    const last = tokens[tokens.length - 1];
    if (kind === 'text' && last?.kind === 'text') last.text += text;
    else tokens.push({ kind, text });
  };

  let index = 0;
  while (index < code.length) {
    PYTHON_TOKEN_PATTERN.lastIndex = index;
    const match = PYTHON_TOKEN_PATTERN.exec(code);
    if (!match || match[0] === '') {
      push('text', code[index]!);
      index += 1;
      continue;
    }
    const groups = match.groups!;
    if (groups.comment !== undefined) push('comment', match[0]);
    else if (groups.string !== undefined) push('string', match[0]);
    else if (groups.number !== undefined) push('number', match[0]);
    else if (PYTHON_KEYWORDS.has(match[0])) push('keyword', match[0]);
    else if (PYTHON_BUILTINS.has(match[0])) push('builtin', match[0]);
    else push('text', match[0]);
    index += match[0].length;
  }
  return tokens;
}

/** Renders Markdown as DOM nodes built only from the allowed node types. */
export function renderMarkdown(source: string, options: RenderOptions): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const block of parseMarkdown(source)) fragment.append(renderBlock(block, options));
  return fragment;
}

function renderBlock(block: BlockNode, options: RenderOptions): HTMLElement {
  switch (block.type) {
    case 'paragraph': return withInline(document.createElement('p'), block.children);
    case 'heading': return withInline(createWithClass('p', 'tutor-heading'), block.children);
    case 'list': return renderList(block);
    case 'code_block': return renderCodeBlock(block, options);
  }
}

function renderList(block: Extract<BlockNode, { type: 'list' }>): HTMLElement {
  const list = document.createElement(block.ordered ? 'ol' : 'ul');
  if (block.ordered && block.start !== 1) list.setAttribute('start', String(block.start));
  for (const item of block.items) list.append(withInline(document.createElement('li'), item));
  return list;
}

function renderCodeBlock(block: Extract<BlockNode, { type: 'code_block' }>, options: RenderOptions): HTMLElement {
  const wrapper = createWithClass('div', 'tutor-code');
  const pre = document.createElement('pre');
  const code = document.createElement('code');

  if (PYTHON_LANGUAGES.has(block.language)) {
    for (const token of highlightPython(block.code)) {
      if (token.kind === 'text') {
        code.append(document.createTextNode(token.text));
        continue;
      }
      const span = createWithClass('span', `tok-${token.kind}`);
      span.textContent = token.text;
      code.append(span);
    }
  } else {
    code.textContent = block.code;
  }
  pre.append(code);

  const useButton = createWithClass('button', 'button button-secondary button-small tutor-use-code');
  useButton.setAttribute('type', 'button');
  useButton.textContent = 'Use this code';
  useButton.addEventListener('click', () => options.onUseCode(block.code));
  wrapper.append(pre, useButton);
  return wrapper;
}

function withInline<T extends HTMLElement>(element: T, nodes: InlineNode[]): T {
  for (const node of nodes) element.append(renderInline(node));
  return element;
}

function renderInline(node: InlineNode): Node {
  switch (node.type) {
    case 'text': return document.createTextNode(node.text);
    case 'code': {
      const code = document.createElement('code');
      code.textContent = node.text;
      return code;
    }
    case 'strong': return withInline(document.createElement('strong'), node.children);
    case 'em': return withInline(document.createElement('em'), node.children);
    case 'link': {
      const anchor = withInline(document.createElement('a'), node.children);
      anchor.href = node.href;
      // The target page cannot reach this window, and the lesson URL is not sent to it.
      anchor.rel = 'noopener noreferrer nofollow';
      anchor.target = '_blank';
      return anchor;
    }
  }
}

function createWithClass(tag: string, className: string): HTMLElement {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}
