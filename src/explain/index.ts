import type { ErrorExplanation } from '../sandbox/types.js';
import { explainAttributeError } from './attributes.js';
import { buildContext, type Explainer } from './context.js';
import { explainOtherError } from './fallback.js';
import { explainImportError, explainModuleNotFound } from './imports.js';
import { explainIndentationError, explainTabError } from './indentation.js';
import { explainIndexError, explainKeyError } from './lookups.js';
import { explainNameError, explainUnboundLocalError } from './names.js';
import { parseTraceback } from './parse-traceback.js';
import { explainEOFError, explainFileNotFound, explainRecursionError } from './runtime.js';
import { explainSyntaxError } from './syntax.js';
import { explainTypeError } from './types-errors.js';
import { explainValueError, explainZeroDivisionError } from './values.js';

export { parseTraceback } from './parse-traceback.js';
export type { ParsedTraceback, TracebackFrame } from './parse-traceback.js';

/** Maximum length, in characters, of a returned summary or hint. Longer texts are cut at a word. */
export const MAX_TEXT_LENGTH = 300;

const EXPLAINERS: ReadonlyMap<string, Explainer> = new Map(Object.entries({
  SyntaxError: explainSyntaxError,
  IndentationError: explainIndentationError,
  TabError: explainTabError,
  NameError: explainNameError,
  UnboundLocalError: explainUnboundLocalError,
  TypeError: explainTypeError,
  ValueError: explainValueError,
  ZeroDivisionError: explainZeroDivisionError,
  IndexError: explainIndexError,
  KeyError: explainKeyError,
  AttributeError: explainAttributeError,
  RecursionError: explainRecursionError,
  ModuleNotFoundError: explainModuleNotFound,
  ImportError: explainImportError,
  FileNotFoundError: explainFileNotFound,
  EOFError: explainEOFError,
}));

/**
 * Explains, for a beginner and without AI, the uncaught exception or syntax error in the
 * stderr of a CPython 3.11 run of `code`. Returns null when stderr has no traceback.
 */
export function explainError(code: string, stderr: string): ErrorExplanation | null {
  const traceback = parseTraceback(stderr);
  if (traceback === null) {
    return null;
  }
  const context = buildContext(code, traceback);
  const explainer = EXPLAINERS.get(context.errorType);
  const explanation = explainer?.(context) ?? explainOtherError(context);

  return {
    line: explanation.line === undefined ? context.line : explanation.line,
    errorType: context.errorType,
    summary: limitLength(explanation.summary),
    hint: limitLength(explanation.hint),
  };
}

function limitLength(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= MAX_TEXT_LENGTH) {
    return flat;
  }
  const cut = flat.slice(0, MAX_TEXT_LENGTH - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_TEXT_LENGTH / 2)).trimEnd()}…`;
}
