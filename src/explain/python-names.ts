import { maskStringsAndComments, splitLines, withoutComment } from './python-source.js';

/** Python 3.11 keywords, which cannot be used as names. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class',
  'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global',
  'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);

/** Built-in names a beginner is likely to mean, including the constants True, False and None. */
export const BUILTIN_NAMES: readonly string[] = [
  'True', 'False', 'None', 'abs', 'all', 'any', 'bin', 'bool', 'chr', 'dict', 'dir',
  'divmod', 'enumerate', 'eval', 'exit', 'filter', 'float', 'format', 'frozenset',
  'getattr', 'hasattr', 'help', 'hex', 'id', 'input', 'int', 'isinstance', 'iter', 'len',
  'list', 'map', 'max', 'min', 'next', 'object', 'oct', 'open', 'ord', 'pow', 'print',
  'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted', 'str', 'sum',
  'super', 'tuple', 'type', 'zip',
];

/** Built-in functions and types whose names learners often reuse for their own variables. */
export const SHADOWED_BUILTINS: ReadonlySet<string> = new Set([
  'print', 'input', 'len', 'list', 'str', 'int', 'float', 'dict', 'set', 'tuple', 'sum',
  'max', 'min', 'range', 'type', 'id', 'sorted', 'round', 'abs', 'open', 'format', 'map',
]);

/** Standard-library modules that beginner programs import. */
export const STANDARD_MODULES: readonly string[] = [
  'abc', 'array', 'bisect', 'calendar', 'collections', 'copy', 'csv', 'dataclasses',
  'datetime', 'decimal', 'enum', 'fractions', 'functools', 'hashlib', 'heapq', 'itertools',
  'json', 'math', 'operator', 'os', 'pathlib', 'pprint', 'queue', 'random', 're',
  'secrets', 'statistics', 'string', 'sys', 'textwrap', 'time', 'timeit', 'turtle',
  'typing', 'unittest', 'uuid',
];

const IDENTIFIER = /[A-Za-z_]\w*/g;
const ASSIGNMENT = /^\s*([A-Za-z_][\w\s,.[\]*]*?)\s*(?:\+|-|\*\*|\*|\/\/|\/|%|&|\||\^|@|<<|>>)?=(?!=)/;
const ANNOTATED_ASSIGNMENT = /^\s*([A-Za-z_]\w*)\s*:[^=]+=(?!=)/;
const FUNCTION_DEFINITION = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(([^)]*)/;
const CLASS_DEFINITION = /^\s*class\s+([A-Za-z_]\w*)/;
const IMPORT = /^\s*import\s+(.+)$/;
const FROM_IMPORT = /^\s*from\s+\S+\s+import\s+\(?([^)]+)\)?/;
const FOR_TARGET = /\bfor\s+(.+?)\s+in\b/g;
const AS_TARGET = /\bas\s+([A-Za-z_]\w*)/g;
const WALRUS_TARGET = /([A-Za-z_]\w*)\s*:=/g;
const LAMBDA_PARAMETERS = /\blambda\s+([^:]*):/g;

/**
 * Maps each name the learner's code binds (assignments, loop targets, parameters, def,
 * class, import, `as`) to the 1-based lines that bind it. It reads the code line by line
 * with patterns, so it does not follow scopes: a name bound inside a function counts too.
 */
export function findDefinitions(code: string): Map<string, number[]> {
  const definitions = new Map<string, number[]>();
  splitLines(maskStringsAndComments(code)).forEach((text, index) => {
    for (const name of namesBoundBy(text)) {
      const lines = definitions.get(name) ?? [];
      lines.push(index + 1);
      definitions.set(name, lines);
    }
  });
  return definitions;
}

function namesBoundBy(text: string): string[] {
  const names = [
    ...assignmentTargets(text),
    ...definitionNames(text),
    ...importedNames(text),
    ...allMatches(text, FOR_TARGET).flatMap(identifiers),
    ...allMatches(text, AS_TARGET),
    ...allMatches(text, WALRUS_TARGET),
    ...allMatches(text, LAMBDA_PARAMETERS).flatMap(parameterNames),
  ];
  // `import math as m` matches both the import and the `as` pattern, so names are deduplicated.
  return [...new Set(names)].filter((name) => !PYTHON_KEYWORDS.has(name));
}

function assignmentTargets(text: string): string[] {
  const annotated = ANNOTATED_ASSIGNMENT.exec(text);
  if (annotated) {
    return [annotated[1]!];
  }
  const match = ASSIGNMENT.exec(text);
  if (!match) {
    return [];
  }
  // Subscripts and attributes (`d[k] = v`, `self.x = v`) change an object and bind no name.
  const targets = match[1]!.replace(/\[[^\]]*\]/g, ' ').replace(/[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+/g, ' ');
  return identifiers(targets);
}

function definitionNames(text: string): string[] {
  const functionMatch = FUNCTION_DEFINITION.exec(text);
  if (functionMatch) {
    return [functionMatch[1]!, ...parameterNames(functionMatch[2]!)];
  }
  const classMatch = CLASS_DEFINITION.exec(text);
  return classMatch ? [classMatch[1]!] : [];
}

function importedNames(text: string): string[] {
  const fromMatch = FROM_IMPORT.exec(text);
  const importMatch = fromMatch ? null : IMPORT.exec(text);
  const list = fromMatch?.[1] ?? importMatch?.[1];
  if (list === undefined) {
    return [];
  }
  return list.split(',').map((item) => boundImportName(item.trim())).filter((name) => name !== '');
}

function boundImportName(item: string): string {
  const alias = /\bas\s+([A-Za-z_]\w*)/.exec(item);
  if (alias) {
    return alias[1]!;
  }
  // `import os.path` binds `os`.
  return /^[A-Za-z_]\w*/.exec(item)?.[0] ?? '';
}

/** Lists parameter names from the text between a def's or lambda's parentheses. */
export function parameterNames(parameters: string): string[] {
  return parameters
    .split(',')
    .map((parameter) => parameter.split(/[:=]/)[0]!.replace(/\*/g, '').trim())
    .filter((name) => /^[A-Za-z_]\w*$/.test(name));
}

function identifiers(text: string): string[] {
  return text.match(IDENTIFIER) ?? [];
}

function allMatches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1]!);
}

/** Returns the first 1-based line that binds a name, or null when the code never binds it. */
export function firstDefinitionLine(definitions: Map<string, number[]>, name: string): number | null {
  return definitions.get(name)?.[0] ?? null;
}

/** Signature of a function defined with def in the learner's code. */
export interface FunctionDefinition {
  line: number;
  parameters: string[];
  /** 1-based lines of the body: the lines after the def that are indented deeper than it. */
  bodyLines: number[];
}

/** Finds the first `def name(...)` in the code and the lines of its body. */
export function findFunction(code: string, name: string): FunctionDefinition | null {
  const lines = splitLines(maskStringsAndComments(code));
  const defIndex = lines.findIndex((text) => FUNCTION_DEFINITION.exec(text)?.[1] === name);
  if (defIndex === -1) {
    return null;
  }
  const defText = lines[defIndex]!;
  const defIndent = indentOf(defText);
  const bodyLines: number[] = [];

  for (let index = defIndex + 1; index < lines.length; index += 1) {
    const text = lines[index]!;
    if (text.trim() === '') {
      continue;
    }
    if (indentOf(text) <= defIndent) {
      break;
    }
    bodyLines.push(index + 1);
  }
  return { line: defIndex + 1, parameters: parameterNames(FUNCTION_DEFINITION.exec(defText)![2]!), bodyLines };
}

function indentOf(text: string): number {
  return /^[ \t]*/.exec(text)![0].replace(/\t/g, '    ').length;
}

/** A plain `name = value` line. */
export interface Assignment {
  line: number;
  value: string;
}

/** Finds the last plain `name = value` line before `beforeLine`, or anywhere in the code when it is null. */
export function findAssignment(codeLines: readonly string[], name: string, beforeLine: number | null): Assignment | null {
  const pattern = new RegExp(`^\\s*${escapeRegExp(name)}\\s*=(?!=)\\s*(.+)$`);
  const end = beforeLine === null ? codeLines.length : Math.min(beforeLine, codeLines.length + 1) - 1;
  for (let index = end - 1; index >= 0; index -= 1) {
    const match = pattern.exec(withoutComment(codeLines[index]!));
    if (match) {
      return { line: index + 1, value: match[1]!.trim() };
    }
  }
  return null;
}

/** Tells whether text is a single Python identifier. */
export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_]\w*$/.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
