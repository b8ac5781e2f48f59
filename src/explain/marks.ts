/**
 * The span CPython 3.11 marks under a source line, split at its `^` part. For `a + b`
 * the `~` parts are the operands and `^` the operator. For `items[3]` the `~` part is
 * the container and `^` the subscript. A span marked with `^` only has empty `~` parts.
 */
export interface MarkedSpan {
  before: string;
  marked: string;
  after: string;
}

/** Operands and operator of a marked binary operation such as `"Age: " + age`. */
export interface BinaryOperation {
  left: string;
  operator: string;
  right: string;
}

/** Container and index text of a marked subscript such as `items[3]`. */
export interface Subscript {
  container: string;
  index: string;
}

/** Splits the marked span of a printed source line, or returns null when the marker line has no `^`. */
export function readMarkedSpan(printedLine: string, markerLine: string): MarkedSpan | null {
  const first = firstMarkIndex(markerLine);
  const caretStart = markerLine.indexOf('^');
  if (first === -1 || caretStart === -1) {
    return null;
  }
  const caretEnd = markerLine.lastIndexOf('^') + 1;
  const end = markerLine.trimEnd().length;

  return {
    before: printedLine.slice(first, caretStart),
    marked: printedLine.slice(caretStart, caretEnd),
    after: printedLine.slice(caretEnd, end),
  };
}

function firstMarkIndex(markerLine: string): number {
  const match = /[\^~]/.exec(markerLine);
  return match ? match.index : -1;
}

/** Reads a binary operation from a span with operands on both sides of the `^` operator. */
export function readBinaryOperation(span: MarkedSpan): BinaryOperation | null {
  const left = span.before.trim();
  const right = span.after.trim();
  if (left === '' || right === '') {
    return null;
  }
  return { left, operator: span.marked.trim(), right };
}

/** Reads a subscript from a span whose `^` part is `[...]` after a `~` container. */
export function readSubscript(span: MarkedSpan): Subscript | null {
  const container = span.before.trim();
  const marked = span.marked.trim();
  if (container === '' || !marked.startsWith('[') || !marked.endsWith(']')) {
    return null;
  }
  return { container, index: marked.slice(1, -1).trim() };
}

/** Returns the whole marked text, `~` parts included. */
export function markedText(span: MarkedSpan): string {
  return (span.before + span.marked + span.after).trim();
}

/**
 * Splits an expression such as `age < 18` at the first standalone occurrence of an
 * operator. CPython 3.11 marks comparisons with `^` only, so their operands are not split.
 */
export function splitAtOperator(expression: string, operator: string): BinaryOperation | null {
  const escaped = operator.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`(?<![<>=!*/+\\-%])${escaped}(?![<>=*/])`).exec(expression);
  if (!match) {
    return null;
  }
  const left = expression.slice(0, match.index).trim();
  const right = expression.slice(match.index + operator.length).trim();
  return left === '' || right === '' ? null : { left, operator, right };
}

/**
 * Reads the only subscript on a source line, such as `nums[3]` in `print(nums[3])`, for
 * tracebacks printed without markers. Returns null when the line has none or several.
 */
export function readSubscriptOnLine(sourceLine: string): Subscript | null {
  const matches = [...sourceLine.matchAll(/([A-Za-z_][\w.]*)\[([^[\]]*)\]/g)];
  if (matches.length !== 1) {
    return null;
  }
  return { container: matches[0]![1]!, index: matches[0]![2]!.trim() };
}
