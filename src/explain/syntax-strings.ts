import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { lineName, lineNameAtStart } from './rules.js';

const CURLY_QUOTES = '\u201c\u201d\u2018\u2019';
const APOSTROPHE_IN_WORD = /[A-Za-z]'[A-Za-z]/;

/** Explains a string literal with no closing quote, including triple-quoted ones. */
export function explainUnterminatedString(context: ErrorContext, match: RegExpExecArray): Explanation {
  const line = context.line;
  if (match[1]) {
    return {
      summary: `The triple-quoted string that starts on ${lineName(line)} is never closed, so Python read to the end of the file looking for its closing quotes.`,
      hint: 'Close it with the same three quotes it opens with (""" or \'\'\') where the text should end.',
    };
  }

  const quoteMark = openingQuote(context);
  const summary = `The string that starts with ${quoteMark} on ${lineName(line)} has no closing ${quoteMark} on that line.`;
  if (quoteMark === "'" && APOSTROPHE_IN_WORD.test(context.sourceLine)) {
    return {
      summary,
      hint: `An apostrophe inside the text, as in it's, ends a string written with ' quotes. Put the text in double quotes instead: "it's".`,
    };
  }
  return {
    summary,
    hint: `End the string with the same quote it starts with (${quoteMark}), on the same line. Text that spans several lines needs triple quotes.`,
  };
}

function openingQuote(context: ErrorContext): string {
  const marked = context.span?.marked.trim() ?? '';
  if (marked.startsWith('"') || marked.startsWith("'")) {
    return marked[0]!;
  }
  const quotes = context.sourceLine.match(/["']/g) ?? [];
  return quotes.at(-1) ?? '"';
}

/** Explains a character Python does not accept in code, such as curly quotes copied from a document. */
export function explainInvalidCharacter(context: ErrorContext, match: RegExpExecArray): Explanation {
  const character = match[1] ?? '';
  const codePoint = `U+${match[2]!}`;
  if (CURLY_QUOTES.includes(character)) {
    return {
      summary: `${lineNameAtStart(context.line)} contains the curly quote ${character}, which Python does not accept. Such quotes come in when text is copied from a word processor or a web page.`,
      hint: 'Retype the quotes on that line with the straight " or \' key on your keyboard.',
    };
  }
  const shown = character === '' ? `an invisible character (${codePoint})` : `the character ${character} (${codePoint})`;
  return {
    summary: `${lineNameAtStart(context.line)} contains ${shown}, which Python does not allow outside strings and comments.`,
    hint: 'Delete that character and retype the code around it. It often comes in with text copied from a document or a web page.',
  };
}

/** Explains "invalid decimal literal": a name that starts with a digit, or a number glued to letters. */
export function explainInvalidDecimal(context: ErrorContext): Explanation {
  const digitName = /\b\d+[A-Za-z_]\w*/.exec(context.sourceLine)?.[0];
  if (digitName) {
    return {
      summary: `${lineNameAtStart(context.line)} contains ${quote(digitName)}, which starts with a digit. A number cannot be followed directly by letters, and a name cannot begin with a digit.`,
      hint: 'If it is a variable name, start it with a letter, as in player2 rather than 2player. If it is a number times a name, write the * between them, as in 2 * x.',
    };
  }
  if (/[^\x00-\x7f]/.test(context.sourceLine)) {
    return explainHiddenCharacter(context);
  }
  return {
    summary: `${lineNameAtStart(context.line)} has a number that Python cannot read, such as a digit followed directly by letters.`,
    hint: 'Check the numbers on that line. Decimals use a point (3.5), not a comma, and numbers may not be glued to names.',
  };
}

function explainHiddenCharacter(context: ErrorContext): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} contains a special character that looks like a space or a letter but is not, such as a non-breaking space.`,
    hint: 'Retype that line by hand. Such characters come in with code copied from a web page or a document.',
  };
}

/** Explains an invalid f-string, such as an unclosed `{`. */
export function explainFString(context: ErrorContext, match: RegExpExecArray): Explanation {
  return {
    summary: `The f-string on ${lineName(context.line)} is not valid (Python reports: ${match[1]!.trim()}).`,
    hint: 'In an f-string every { needs a matching } with an expression between them, such as {name}. To show a brace itself, double it: {{ or }}.',
  };
}
