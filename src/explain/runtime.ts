import { pickLearnerFrame, type ErrorContext, type Explanation } from './context.js';
import { quote } from './describe.js';
import { findFunction } from './python-names.js';
import { lineName, lineNameAtStart } from './rules.js';

/** The function that recursed and the line of its most repeated call. */
interface Recursion {
  functionName: string;
  callLine: number;
}

/**
 * Explains a RecursionError: a function that calls itself without ever reaching a base case.
 * The line is the recursive call, the most repeated frame, rather than wherever the limit hit.
 */
export function explainRecursionError(context: ErrorContext): Explanation {
  const recursion = findRecursion(context);
  if (recursion === null) {
    return {
      summary: `Functions on ${lineName(context.line)} call each other so deeply that Python stopped after about 1000 nested calls.`,
      hint: 'Make sure every recursive function has a base case: an if that returns without calling the function again.',
    };
  }
  const { functionName, callLine } = recursion;
  const definition = findFunction(context.code, functionName);
  const hasCondition = definition?.bodyLines.some((line) => /^\s*(if|elif)\b/.test(context.codeLines[line - 1] ?? '')) ?? true;
  const summary = `${functionName}() calls itself again and again on line ${callLine} without ever stopping, until Python's limit of about 1000 nested calls is reached.`;

  if (!hasCondition) {
    return {
      line: callLine,
      summary,
      hint: `${functionName}() has no base case. Add an if at its start that returns without calling ${functionName}() again (for example when a counter reaches 0), and make each call move toward that case.`,
    };
  }
  return {
    line: callLine,
    summary,
    hint: `Check the base case of ${functionName}(): the if that stops the recursion must be reached. Each call should move toward it, for example ${functionName}(n - 1) rather than ${functionName}(n).`,
  };
}

function findRecursion(context: ErrorContext): Recursion | null {
  const learnerFile = pickLearnerFrame(context.traceback.frames)?.file;
  const counts = new Map<string, { recursion: Recursion; count: number }>();

  for (const frame of context.traceback.frames) {
    if (frame.file !== learnerFile || frame.functionName === null || frame.functionName.startsWith('<')) {
      continue;
    }
    const key = `${frame.functionName}:${frame.line}`;
    const entry = counts.get(key) ?? { recursion: { functionName: frame.functionName, callLine: frame.line }, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  const ranked = [...counts.values()].sort((a, b) => b.count - a.count);
  return ranked[0]?.recursion ?? null;
}

/** Explains an EOFError from input(): the program asked for input but none was given. */
export function explainEOFError(context: ErrorContext): Explanation {
  const inputCalls = (context.code.match(/\binput\s*\(/g) ?? []).length;
  const more = inputCalls > 1 ? ', or it asked more times than there were lines of input' : '';
  return {
    summary: `${lineNameAtStart(context.line)} calls input(), but there was nothing left to read. Your program asked for input but none was given${more}.`,
    hint: `Give the program its input before you run it, one line for each input() call${inputCalls > 1 ? ` (this program has ${inputCalls})` : ''}.`,
  };
}

/** Explains a FileNotFoundError, quoting the file name and where relative names are looked up. */
export function explainFileNotFound(context: ErrorContext): Explanation {
  const fileName = /No such file or directory: '(.*)'/.exec(context.message)?.[1] ?? '';
  const named = fileName === '' ? 'the file' : quote(fileName, 60);
  const writing = /open\(.*,\s*['"][wax]/.test(context.sourceLine);

  if (writing) {
    return {
      summary: `${lineNameAtStart(context.line)} tries to create ${named}, but a folder in that path does not exist.`,
      hint: 'Write the file into the working folder with a plain name such as "output.txt", or create the folder first with os.makedirs().',
    };
  }
  return {
    summary: `${lineNameAtStart(context.line)} tries to open ${named}, but there is no such file. A name without a folder is looked up in the working folder, where the program runs.`,
    hint: `Check the spelling of the name. Each run here starts in a fresh working folder, so a data file exists only if your program creates it during the run, for example with open(${quote(fileName || 'data.txt', 60)}, "w").`,
  };
}
