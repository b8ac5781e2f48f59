import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { lineName, lineNameAtStart } from './rules.js';

/** Plain meanings of exception types that have no explainer of their own. */
const TYPE_MEANINGS: ReadonlyMap<string, string> = new Map(Object.entries({
  AssertionError: 'the condition of an assert statement was false',
  OverflowError: 'a number grew too large for Python to hold',
  MemoryError: 'the program used more memory than it is allowed',
  StopIteration: 'next() was called on an iterator that had no items left',
  NotImplementedError: 'a function that is not written yet was called',
  KeyboardInterrupt: 'the program was stopped from outside',
  PermissionError: 'the program is not allowed to use that file or folder',
  IsADirectoryError: 'a folder was opened as if it were a file',
  NotADirectoryError: 'a file was used as if it were a folder',
}));

/** Explains any exception type without a specific explainer, including the learner's own exceptions. */
export function explainOtherError(context: ErrorContext): Explanation {
  const reported = context.message === '' ? '' : ` with the message ${quote(context.message, 120)}`;

  if (/^raise\b/.test(context.sourceLine)) {
    return {
      summary: `Your code raises ${context.errorType} itself on ${lineName(context.line)}${reported}, and nothing catches it.`,
      hint: `Check the condition that leads to this raise, or catch the error with try and except ${context.errorType}: where you call that code.`,
    };
  }
  const meaning = TYPE_MEANINGS.get(context.errorType);
  const summary = meaning
    ? `${lineNameAtStart(context.line)} stopped with ${context.errorType}: ${meaning}.`
    : `${lineNameAtStart(context.line)} stopped with ${context.errorType}${reported}.`;
  return {
    summary,
    hint: `The last line of the error names the problem. Print the values used on ${lineName(context.line)} just before it to see which one is not what you expected.`,
  };
}
