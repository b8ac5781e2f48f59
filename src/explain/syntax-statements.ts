import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { closestMatch } from './edit-distance.js';
import { markedText } from './marks.js';
import { PYTHON_KEYWORDS } from './python-names.js';
import { withoutComment } from './python-source.js';
import { lineName, lineNameAtStart } from './rules.js';

const BLOCK_STATEMENTS: ReadonlyMap<string, string> = new Map(Object.entries({
  if: "an 'if' statement",
  elif: "an 'elif' branch",
  else: "an 'else' branch",
  for: "a 'for' loop",
  while: "a 'while' loop",
  def: 'a function definition',
  class: 'a class definition',
  try: "a 'try' block",
  except: "an 'except' block",
  finally: "a 'finally' block",
  with: "a 'with' block",
}));

// A branch keyword and the statement it continues. `for` and `while` may also take an else,
// but a stray else is far more often a broken if.
const BRANCH_PARTNERS: ReadonlyMap<string, string> = new Map(Object.entries({ else: 'if', elif: 'if', except: 'try', finally: 'try' }));

const STATEMENT_KEYWORDS: readonly string[] = [
  'if', 'elif', 'else', 'for', 'while', 'def', 'class', 'return', 'import', 'from', 'try',
  'except', 'finally', 'with', 'print',
];

function firstWord(text: string): string {
  return /^[A-Za-z_]\w*/.exec(text)?.[0] ?? '';
}

/** Explains "expected ':'" at the end of a line that opens a block. */
export function explainMissingColon(context: ErrorContext): Explanation {
  const statement = BLOCK_STATEMENTS.get(firstWord(context.sourceLine));
  const fixed = `${withoutComment(context.sourceLine)}:`;
  const opening = statement ? `${lineNameAtStart(context.line)} starts ${statement}, but` : `On ${lineName(context.line)}`;

  return {
    summary: `${opening} the line does not end with a colon (:). Python needs the colon to know that an indented block follows.`,
    hint: `Add ':' at the end of ${lineName(context.line)}: ${quote(fixed, 60)}. Every if, elif, else, for, while, def and class line ends with a colon.`,
  };
}

/** Explains `=` written where `==` was meant, as in `if x = 3:`. */
export function explainAssignmentInCondition(context: ErrorContext): Explanation {
  const fixed = context.sourceLine.replace(/(?<![=!<>:+\-*/%])=(?!=)/, '==');
  return {
    summary: `${lineNameAtStart(context.line)} uses a single '=' in a condition. A single '=' stores a value in a variable, and comparing two values needs '=='.`,
    hint: `Write '==' to compare: ${quote(fixed, 60)}.`,
  };
}

/** Explains an assignment whose left side is a literal, a call or an expression, such as `5 = x`. */
export function explainBadAssignmentTarget(context: ErrorContext, match: RegExpExecArray): Explanation {
  const target = match[1]!;
  const [left = '', right = ''] = splitAssignment(context.sourceLine);
  const swapped = /^[A-Za-z_]\w*$/.test(right) ? `${right} = ${left}` : 'total = 5';

  return {
    summary: `${lineNameAtStart(context.line)} tries to store a value in ${quote(left)}, which is ${describeTarget(target)}. Only a variable name, an item such as x[0] or an attribute can stand on the left of '='.`,
    hint: `Put the variable on the left and the value on the right, as in ${quote(swapped)}. If you meant to compare the two sides, use '=='.`,
  };
}

function splitAssignment(text: string): string[] {
  const index = text.search(/(?<![=!<>])=(?!=)/);
  if (index === -1) {
    return [text];
  }
  return [text.slice(0, index).trim(), text.slice(index + 1).trim()];
}

function describeTarget(target: string): string {
  if (target === 'literal') {
    return 'a fixed value (a literal)';
  }
  if (/^(True|False|None)$/.test(target)) {
    return `the constant ${target}`;
  }
  return `${/^[aeiou]/.test(target) ? 'an' : 'a'} ${target}`;
}

/** Explains a Python 2 style `print "text"` without parentheses. */
export function explainPrintWithoutParentheses(context: ErrorContext, match: RegExpExecArray): Explanation {
  const name = match[1]!;
  const argument = withoutComment(context.sourceLine).slice(firstWord(context.sourceLine).length).trim();
  return {
    summary: `${lineNameAtStart(context.line)} uses ${name} without parentheses, which is how Python 2 worked. In Python 3, ${name} is a function and needs ( ) around what it gets.`,
    hint: `Write it as ${quote(`${name}(${argument})`, 60)}.`,
  };
}

/** Explains values written side by side with no comma or operator between them. */
export function explainMissingComma(context: ErrorContext): Explanation {
  const marked = context.span ? markedText(context.span) : context.sourceLine;
  return {
    summary: `On ${lineName(context.line)}, Python found values side by side with nothing between them: ${quote(marked)}.`,
    hint: "Separate the items of a list, a tuple or a function call with commas, as in [1, 2, 3] or print(a, b). To join pieces of text, put '+' between them.",
  };
}

/** Explains return, yield, break or continue used where it is not allowed. */
export function explainMisplacedKeyword(context: ErrorContext, match: RegExpExecArray): Explanation {
  const keyword = match[1]!;
  if (keyword === 'return' || keyword === 'yield') {
    return {
      summary: `${lineNameAtStart(context.line)} uses ${keyword} outside of any function. ${keyword} only works inside a function defined with def.`,
      hint: `Indent ${lineName(context.line)} so that it belongs to the function's body. To show a value at the top level of the program, use print().`,
    };
  }
  return {
    summary: `${lineNameAtStart(context.line)} uses ${keyword} outside of a loop. ${keyword} only works inside a for or while loop.`,
    hint: `Check the indentation: ${keyword} must be indented inside the loop's body. To end the whole program early, use import sys and sys.exit().`,
  };
}

/** Explains a try block that has no except or finally part. */
export function explainTryWithoutExcept(context: ErrorContext): Explanation {
  return {
    summary: `The try block that ends before ${lineName(context.line)} has no except or finally part after it.`,
    hint: 'After the indented try block, add a line such as except ValueError: (the error you expect) at the same indentation as try, with its own indented block.',
  };
}

/** Explains a def written without parentheses, as in `def greet:`. */
export function explainDefWithoutParentheses(context: ErrorContext): Explanation {
  const name = /^def\s+([A-Za-z_]\w*)/.exec(context.sourceLine)?.[1] ?? 'name';
  return {
    summary: `${lineNameAtStart(context.line)} defines a function without parentheses after its name. A def needs them even when the function takes no parameters.`,
    hint: `Write ${quote(`def ${name}():`)}, with the parameters, if any, between the parentheses.`,
  };
}

/** Explains a keyword such as `class` used as a variable name. */
export function explainKeywordAsName(context: ErrorContext): Explanation | null {
  const name = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(context.sourceLine)?.[1];
  if (name === undefined || !PYTHON_KEYWORDS.has(name)) {
    return null;
  }
  return {
    summary: `${lineNameAtStart(context.line)} uses ${quote(name)} as a variable name, but ${name} is a Python keyword with its own meaning, so it cannot name a variable.`,
    hint: `Pick another name, such as ${quote(`${name.toLowerCase()}_name`)} or ${quote(`my_${name.toLowerCase()}`)}.`,
  };
}

/** Explains else, elif, except or finally with no matching block right above it. */
export function explainOrphanBranch(context: ErrorContext): Explanation | null {
  const keyword = firstWord(context.sourceLine);
  const partner = BRANCH_PARTNERS.get(keyword);
  if (partner === undefined) {
    return null;
  }
  return {
    summary: `${lineNameAtStart(context.line)} starts with ${keyword}, but there is no ${partner} block right above it for ${keyword} to belong to.`,
    hint: `Put ${keyword} directly after the indented block of its ${partner}, at the same indentation as the ${partner} line. Any unindented line in between ends the ${partner}.`,
  };
}

/** Explains a misspelt keyword at the start of a line, such as `whille x < 3:`. */
export function explainMisspeltKeyword(context: ErrorContext): Explanation | null {
  const word = firstWord(context.sourceLine);
  const rest = context.sourceLine.slice(word.length);
  // A keyword is followed by an expression or, for else, try and finally, by the colon.
  const looksLikeStatement = /^\s+[^\s=]|^\s*:/.test(rest);
  if (word === '' || !looksLikeStatement || STATEMENT_KEYWORDS.includes(word)) {
    return null;
  }
  const keyword = closestMatch(word, STATEMENT_KEYWORDS, 1);
  if (keyword === null) {
    return null;
  }
  return {
    summary: `${lineNameAtStart(context.line)} starts with ${quote(word)}, which Python does not know. It looks like a misspelling of ${quote(keyword)}.`,
    hint: `Change ${quote(word)} to ${quote(keyword)} on ${lineName(context.line)}.`,
  };
}
