import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { markedText } from './marks.js';
import { findUnclosedBracket } from './python-source.js';
import { applyRules, lineName, lineNameAtStart, type MessageRule } from './rules.js';
import { explainMismatchedBracket, explainUnclosedBracket, explainUnmatchedBracket } from './syntax-brackets.js';
import {
  explainAssignmentInCondition,
  explainBadAssignmentTarget,
  explainDefWithoutParentheses,
  explainKeywordAsName,
  explainMisplacedKeyword,
  explainMissingColon,
  explainMissingComma,
  explainMisspeltKeyword,
  explainOrphanBranch,
  explainPrintWithoutParentheses,
  explainTryWithoutExcept,
} from './syntax-statements.js';
import { explainFString, explainInvalidCharacter, explainInvalidDecimal, explainUnterminatedString } from './syntax-strings.js';

// Messages as CPython 3.11 words them. "EOL/EOF while scanning" is how CPython 3.9 and earlier reported an unterminated string.
const SYNTAX_RULES: readonly MessageRule[] = [
  { pattern: /^expected ':'/, explain: explainMissingColon },
  { pattern: /^'([([{])' was never closed/, explain: (context, match) => explainUnclosedBracket(context, match[1]!) },
  { pattern: /^unexpected EOF while parsing/, explain: (context) => (findUnclosedBracket(context.code) ? explainUnclosedBracket(context, null) : null) },
  { pattern: /^closing parenthesis '(.)' does not match opening parenthesis '(.)'(?: on line (\d+))?/, explain: explainMismatchedBracket },
  { pattern: /^unmatched '(.)'/, explain: explainUnmatchedBracket },
  { pattern: /^(?:unterminated |EOL while scanning |EOF while scanning )(triple-quoted )?string literal/, explain: explainUnterminatedString },
  { pattern: /Maybe you meant '==' or ':=' instead of '='/, explain: explainAssignmentInCondition },
  { pattern: /^cannot assign to (.+?)(?: here)?(?:\.|$)/, explain: explainBadAssignmentTarget },
  { pattern: /^Missing parentheses in call to '(\w+)'/, explain: explainPrintWithoutParentheses },
  { pattern: /Perhaps you forgot a comma/, explain: explainMissingComma },
  { pattern: /^invalid character '(.)' \(U\+([0-9A-Fa-f]+)\)/u, explain: explainInvalidCharacter },
  { pattern: /^invalid non-printable character ()U\+([0-9A-Fa-f]+)/, explain: explainInvalidCharacter },
  { pattern: /^invalid decimal literal/, explain: explainInvalidDecimal },
  { pattern: /^'(return|yield|break|continue)' (?:outside|not properly in)/, explain: explainMisplacedKeyword },
  { pattern: /^expected 'except' or 'finally' block/, explain: explainTryWithoutExcept },
  { pattern: /^f-string: (.+)/, explain: explainFString },
  { pattern: /^expected '\('/, explain: explainDefWithoutParentheses },
  { pattern: /^invalid syntax/, explain: explainInvalidSyntax },
];

/** Explains a SyntaxError: the code could not be read, so none of it ran. */
export function explainSyntaxError(context: ErrorContext): Explanation {
  return applyRules(context, SYNTAX_RULES) ?? explainOtherSyntaxError(context);
}

function explainInvalidSyntax(context: ErrorContext): Explanation {
  const unclosed = findUnclosedBracket(context.code);
  if (unclosed !== null && context.line !== null && unclosed.line <= context.line) {
    return explainUnclosedBracket(context, unclosed.bracket);
  }
  return (
    explainKeywordAsName(context) ??
    explainOrphanBranch(context) ??
    explainMisspeltKeyword(context) ??
    explainOtherSyntaxError(context)
  );
}

function explainOtherSyntaxError(context: ErrorContext): Explanation {
  const marked = context.span ? markedText(context.span) : '';
  const spot = marked === '' ? '' : ` The problem is at or just before ${quote(marked)}.`;
  const reason = /^invalid syntax\.?$/.test(context.message) ? '' : ` (Python reports: ${context.message})`;

  return {
    summary: `Python could not read ${lineName(context.line)}${reason}, so none of the program ran.${spot}`,
    hint: `Look at ${lineName(context.line)} and the end of the line above it for a missing or extra bracket, quote, comma, colon or operator. ${lineNameAtStart(context.line)} is: ${quote(context.sourceLine, 60)}`,
  };
}
