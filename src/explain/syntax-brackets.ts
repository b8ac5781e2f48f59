import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { closingBracketFor, findUnclosedBracket, lineAt } from './python-source.js';
import { lineName, lineNameAtStart } from './rules.js';

/**
 * Explains a bracket that is never closed. CPython may report it where it gave up
 * reading, at the end of the file, so the bracket's own line comes from a scan of the code.
 */
export function explainUnclosedBracket(context: ErrorContext, reportedBracket: string | null): Explanation {
  const found = findUnclosedBracket(context.code);
  const bracket = found?.bracket ?? reportedBracket ?? '(';
  const line = found?.line ?? context.line;
  const closing = closingBracketFor(bracket);
  const openingLine = lineAt(context.codeLines, line)?.trim() ?? context.sourceLine;

  return {
    line,
    summary: `The ${quote(bracket)} opened on ${lineName(line)} is never closed with a matching ${quote(closing)}, so Python keeps reading the lines after it as part of the same expression.`,
    hint: `Add the missing ${quote(closing)} where that expression ends, probably at the end of ${lineName(line)}: ${quote(openingLine, 60)}. Every (, [ and { needs its own closing bracket.`,
  };
}

/** Explains a bracket closed by the wrong kind of bracket, such as `(1, 2]`. */
export function explainMismatchedBracket(context: ErrorContext, match: RegExpExecArray): Explanation {
  const closing = match[1]!;
  const opening = match[2]!;
  const openingLine = match[3] ? Number(match[3]) : context.line;

  return {
    summary: `${lineNameAtStart(context.line)} closes the ${quote(opening)} from ${lineName(openingLine)} with ${quote(closing)}. Each bracket must be closed by its partner: ( with ), [ with ] and { with }.`,
    hint: `Change the ${quote(closing)} to ${quote(closingBracketFor(opening))}, or add the bracket that is missing in between so that every pair matches.`,
  };
}

/** Explains a closing bracket that has no opening bracket before it. */
export function explainUnmatchedBracket(context: ErrorContext, match: RegExpExecArray): Explanation {
  const closing = match[1]!;
  return {
    summary: `${lineNameAtStart(context.line)} has a ${quote(closing)} that closes nothing, because no bracket before it is still open.`,
    hint: `Remove the extra ${quote(closing)}, or add the opening bracket it was meant to close. Counting the brackets on ${lineName(context.line)} shows which one is extra.`,
  };
}
