/** Position of a bracket in the learner's code, with a 1-based line and a 0-based column. */
export interface BracketPosition {
  bracket: string;
  line: number;
  column: number;
}

/** Line numbers (1-based) whose indentation contains a tab, and those whose indentation contains a space. */
export interface IndentationStyles {
  tabLines: number[];
  spaceLines: number[];
}

const OPENING_BRACKETS = '([{';
const CLOSING_BRACKETS = ')]}';

/** Splits code into lines, where index 0 is line 1. */
export function splitLines(code: string): string[] {
  return code.replace(/\r\n?/g, '\n').split('\n');
}

/**
 * Replaces comments and the insides of string literals with spaces, keeping quotes,
 * tabs and newlines, so every offset still matches the original code. An unterminated
 * single-quoted string stops at the end of its line, where CPython reports it.
 */
export function maskStringsAndComments(code: string): string {
  const source = code.replace(/\r\n?/g, '\n');
  let output = '';
  let index = 0;

  while (index < source.length) {
    const char = source[index]!;
    if (char === '#') {
      const end = lineEnd(source, index);
      output += blank(source.slice(index, end));
      index = end;
    } else if (char === '"' || char === "'") {
      const end = stringEnd(source, index);
      output += maskString(source.slice(index, end));
      index = end;
    } else {
      output += char;
      index += 1;
    }
  }
  return output;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end === -1 ? source.length : end;
}

function stringEnd(source: string, start: number): number {
  const quote = source[start]!;
  const delimiter = source.startsWith(quote.repeat(3), start) ? quote.repeat(3) : quote;
  let index = start + delimiter.length;

  while (index < source.length) {
    if (source[index] === '\\') {
      index += 2;
    } else if (source.startsWith(delimiter, index)) {
      return index + delimiter.length;
    } else if (delimiter.length === 1 && source[index] === '\n') {
      return index;
    } else {
      index += 1;
    }
  }
  return source.length;
}

function maskString(literal: string): string {
  const quote = literal[0]!;
  const delimiter = literal.startsWith(quote.repeat(3)) ? quote.repeat(3) : quote;
  const closed = literal.length >= delimiter.length * 2 && literal.endsWith(delimiter);
  const bodyEnd = closed ? literal.length - delimiter.length : literal.length;
  return delimiter + blank(literal.slice(delimiter.length, bodyEnd)) + literal.slice(bodyEnd);
}

function blank(text: string): string {
  return text.replace(/[^\n\t]/g, ' ');
}

/** Finds the most recently opened bracket that is still open at the end of the code, or null. */
export function findUnclosedBracket(code: string): BracketPosition | null {
  const stack: BracketPosition[] = [];
  const lines = splitLines(maskStringsAndComments(code));

  lines.forEach((text, lineIndex) => {
    for (let column = 0; column < text.length; column += 1) {
      const char = text[column]!;
      if (OPENING_BRACKETS.includes(char)) {
        stack.push({ bracket: char, line: lineIndex + 1, column });
      } else if (CLOSING_BRACKETS.includes(char)) {
        // A stray closer is CPython's "unmatched" error, reported on its own line, so it is skipped here.
        stack.pop();
      }
    }
  });
  return stack.at(-1) ?? null;
}

/** Returns the bracket that closes an opening bracket. */
export function closingBracketFor(opening: string): string {
  const index = OPENING_BRACKETS.indexOf(opening);
  return index === -1 ? opening : CLOSING_BRACKETS[index]!;
}

/** Lists which non-blank, non-comment lines are indented with tabs and which with spaces. */
export function findIndentationStyles(code: string): IndentationStyles {
  const styles: IndentationStyles = { tabLines: [], spaceLines: [] };

  splitLines(code).forEach((text, lineIndex) => {
    const indentation = leadingWhitespace(text);
    if (text.trim() === '' || text.trim().startsWith('#')) {
      return;
    }
    if (indentation.includes('\t')) {
      styles.tabLines.push(lineIndex + 1);
    }
    if (indentation.includes(' ')) {
      styles.spaceLines.push(lineIndex + 1);
    }
  });
  return styles;
}

/** Returns the spaces and tabs at the start of a line. */
export function leadingWhitespace(text: string): string {
  return /^[ \t]*/.exec(text)![0];
}

/** Returns the text of a 1-based line, or null when the code has no such line. */
export function lineAt(lines: string[], line: number | null): string | null {
  if (line === null || line < 1) {
    return null;
  }
  return lines[line - 1] ?? null;
}

/** Returns a line of code without its comment and trailing spaces. */
export function withoutComment(text: string): string {
  const masked = maskStringsAndComments(text);
  return text.slice(0, masked.trimEnd().length);
}
