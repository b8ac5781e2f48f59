import type { ErrorContext, Explanation } from './context.js';
import { joinWords } from './describe.js';
import { findIndentationStyles, leadingWhitespace, type IndentationStyles } from './python-source.js';
import { applyRules, lineName, lineNameAtStart, type MessageRule } from './rules.js';

const INDENTATION_RULES: readonly MessageRule[] = [
  { pattern: /^expected an indented block(?: after (.+?) on line (\d+))?/, explain: explainMissingBlock },
  { pattern: /^unexpected indent/, explain: explainUnexpectedIndent },
  { pattern: /^unindent does not match any outer indentation level/, explain: explainUnalignedDedent },
];

/** Explains an IndentationError: a block's lines are not indented the way Python expects. */
export function explainIndentationError(context: ErrorContext): Explanation {
  const explanation = applyRules(context, INDENTATION_RULES) ?? explainOtherIndentation(context);
  const mixed = describeMixedIndentation(findIndentationStyles(context.code));
  return mixed === null ? explanation : { ...explanation, hint: `${mixed} ${explanation.hint}` };
}

/** Explains a TabError: tabs and spaces mixed in the indentation of one block. */
export function explainTabError(context: ErrorContext): Explanation {
  const styles = findIndentationStyles(context.code);
  const mixed = describeMixedIndentation(styles);
  return {
    summary: `The indentation of ${lineName(context.line)} mixes tabs and spaces with the lines around it. ${mixed ?? ''} Python cannot tell how wide a tab is meant to be, so it will not compare the two.`.replace(/\s+/g, ' '),
    hint: `Indent with spaces only: replace each tab at the start of a line with 4 spaces. Many editors can convert tabs to spaces for the whole file.`,
  };
}

function explainMissingBlock(context: ErrorContext, match: RegExpExecArray): Explanation {
  const statement = match[1] ?? 'line above';
  const headerLine = match[2] ? Number(match[2]) : null;
  const follows = headerLine !== null && headerLine === context.line ? 'nothing indented follows it' : `${lineName(context.line)} is not indented`;

  return {
    summary: `The ${statement} on ${lineName(headerLine ?? context.line)} ends with ':', so Python expects an indented block under it, but ${follows}.`,
    hint: 'Indent the lines that belong to the block by 4 spaces. To leave the block empty for now, put pass on an indented line under it.',
  };
}

function explainUnexpectedIndent(context: ErrorContext): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} is indented more than the line before it, but that line does not end with ':' to start a block.`,
    hint: `Remove the extra spaces at the start of ${lineName(context.line)} so it lines up with the lines of the same block.`,
  };
}

function explainUnalignedDedent(context: ErrorContext): Explanation {
  const width = indentWidthAt(context, context.line);
  const widths = indentWidthsBefore(context, context.line);
  const used = widths.length > 0 ? ` (the lines above use ${joinWords(widths.map(String))})` : '';

  return {
    summary: `${lineNameAtStart(context.line)} is indented by ${width} spaces, which lines up with no block above it${used}.`,
    hint: 'Indent it exactly as far as the other lines of the block it belongs to. Using 4 spaces for each level keeps the blocks easy to line up.',
  };
}

function explainOtherIndentation(context: ErrorContext): Explanation {
  return {
    summary: `The indentation of ${lineName(context.line)} does not fit the blocks around it (Python reports: ${context.message}).`,
    hint: 'Lines in the same block must start at the same column, and a block is only indented after a line that ends with a colon.',
  };
}

function indentWidthAt(context: ErrorContext, line: number | null): number {
  const text = line === null ? '' : context.codeLines[line - 1] ?? '';
  return leadingWhitespace(text).replace(/\t/g, '    ').length;
}

function indentWidthsBefore(context: ErrorContext, line: number | null): number[] {
  const widths = new Set<number>();
  context.codeLines.slice(0, (line ?? 1) - 1).forEach((text, index) => {
    if (text.trim() !== '' && !text.trim().startsWith('#')) {
      widths.add(indentWidthAt(context, index + 1));
    }
  });
  return [...widths].sort((a, b) => a - b);
}

function describeMixedIndentation(styles: IndentationStyles): string | null {
  if (styles.tabLines.length === 0 || styles.spaceLines.length === 0) {
    return null;
  }
  return `Your code indents ${describeLines(styles.tabLines)} with tabs and ${describeLines(styles.spaceLines)} with spaces.`;
}

function describeLines(lines: number[]): string {
  const noun = lines.length === 1 ? 'line' : 'lines';
  if (lines.length > 4) {
    return `${noun} ${lines.slice(0, 4).join(', ')}, …`;
  }
  return `${noun} ${joinWords(lines.map(String))}`;
}
