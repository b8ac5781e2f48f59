import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { findAssignment, findFunction, isIdentifier } from './python-names.js';
import { lineName } from './rules.js';

// Methods that change their object in place and return None, so `x = items.sort()` stores None.
const IN_PLACE_METHODS: ReadonlySet<string> = new Set([
  'sort', 'append', 'extend', 'insert', 'remove', 'reverse', 'clear', 'update', 'add',
]);

/** The expression that produced a None value, and the line where the code stored it, if any. */
interface NoneSource {
  expression: string;
  storedOnLine: number | null;
}

/**
 * Explains a value that is None where a list, string or object was expected. `name` is a
 * variable or an expression such as `f()`, and `consequence` completes "so it ...". It names the
 * in-place method or the function without a return statement that produced the None,
 * when the code shows one.
 */
export function explainNoneValue(context: ErrorContext, name: string | null, consequence: string): Explanation {
  const start = `On ${lineName(context.line)}, ${name === null ? 'a value' : quote(name)} is None, so it ${consequence}.`;
  const source = name === null ? null : findNoneSource(context, name);
  const specific = source === null || name === null ? null : explainInPlaceResult(start, name, source) ?? explainMissingReturn(context, start, source);
  const shown = name ?? 'value';

  return (
    specific ?? {
      summary: `${start} None often comes from a function without a return statement, or from a method such as sort() that returns None.`,
      hint: `Find where that value is set and make sure it is what you meant. print(${shown}) just before ${lineName(context.line)} shows what it holds.`,
    }
  );
}

function findNoneSource(context: ErrorContext, name: string): NoneSource | null {
  if (!isIdentifier(name)) {
    return { expression: name, storedOnLine: null };
  }
  const assignment = findAssignment(context.codeLines, name, context.line);
  return assignment === null ? null : { expression: assignment.value, storedOnLine: assignment.line };
}

function describeOrigin(source: NoneSource): string {
  return source.storedOnLine === null ? 'It comes' : `It got that None on line ${source.storedOnLine}`;
}

function explainInPlaceResult(start: string, name: string, source: NoneSource): Explanation | null {
  const call = /^(.+)\.(\w+)\(.*\)$/.exec(source.expression);
  const method = call?.[2];
  if (call === null || method === undefined || !IN_PLACE_METHODS.has(method)) {
    return null;
  }
  const target = call[1]!;
  const sortedHint = method === 'sort' && isIdentifier(name) ? ` For a sorted copy, write ${name} = sorted(${target}) instead.` : '';
  return {
    summary: `${start} ${describeOrigin(source)} from ${method}(), which changes ${quote(target)} in place and returns None.`,
    hint: `Call ${target}.${method}(...) on its own line, then keep using ${target}.${sortedHint}`,
  };
}

function explainMissingReturn(context: ErrorContext, start: string, source: NoneSource): Explanation | null {
  const calledName = /^([A-Za-z_]\w*)\(/.exec(source.expression)?.[1];
  const definition = calledName === undefined ? null : findFunction(context.code, calledName);
  if (definition === null) {
    return null;
  }
  const returnsValue = definition.bodyLines.some((line) => /\breturn\s+\S/.test(context.codeLines[line - 1] ?? ''));
  if (returnsValue) {
    return null;
  }
  return {
    summary: `${start} ${describeOrigin(source)} from ${calledName}(), which has no return statement, and a function without one returns None.`,
    hint: `End ${calledName}() with return and the value it should give back, for example return result.`,
  };
}
