import type { ErrorContext, Explanation } from './context.js';
import { countOf, describeType, quote } from './describe.js';
import { SHADOWED_BUILTINS, findAssignment, findFunction } from './python-names.js';
import { lineName, lineNameAtStart, type MessageRule } from './rules.js';

/** TypeError shapes about calling: a value that is not a function, or the wrong arguments. */
export const CALL_RULES: readonly MessageRule[] = [
  { pattern: /^'(\w+)' object is not callable/, explain: explainNotCallable },
  { pattern: /^([\w.]+)\(\) missing (\d+) required (?:positional|keyword-only) arguments?: (.+)$/m, explain: explainMissingArguments },
  { pattern: /^([\w.]+)\(\) takes (\d+|from \d+ to \d+) positional arguments? but (\d+) (?:was|were) given/, explain: explainTooManyArguments },
  { pattern: /^([\w.]+)\(\) got an unexpected keyword argument '(\w+)'/, explain: explainUnexpectedKeyword },
];

function explainNotCallable(context: ErrorContext, match: RegExpExecArray): Explanation {
  const typeName = match[1]!;
  return (
    explainShadowedBuiltin(context, typeName) ??
    explainMissingMultiplication(context) ?? {
      summary: `${lineNameAtStart(context.line)} uses ( ) to call something that is ${describeType(typeName)}, not a function.`,
      hint: 'Remove the ( ) if you meant the value itself, and use [ ] to pick an item from a list or a dictionary. Also check that a variable does not reuse the name of a function.',
    }
  );
}

function explainShadowedBuiltin(context: ErrorContext, typeName: string): Explanation | null {
  const called = [...context.sourceLine.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((found) => found[1]!);
  for (const name of called.filter((candidate) => SHADOWED_BUILTINS.has(candidate))) {
    const assignment = findAssignment(context.codeLines, name, context.line);
    if (assignment !== null) {
      return {
        summary: `Line ${assignment.line} stores ${describeType(typeName)} in ${quote(name)}, which hides Python's built-in ${name}(). From then on ${name} is no longer a function, so calling it on ${lineName(context.line)} fails.`,
        hint: `Rename your variable on line ${assignment.line} (for example to my_${name}) and everywhere you use it, so that ${name}() works again.`,
      };
    }
  }
  return null;
}

function explainMissingMultiplication(context: ErrorContext): Explanation | null {
  const glued = /(?<![\w.])(\d+(?:\.\d+)?)\s*\(/.exec(context.sourceLine);
  if (glued === null) {
    return null;
  }
  return {
    summary: `${lineNameAtStart(context.line)} writes the number ${glued[1]!} right before '(', so Python tries to call the number like a function.`,
    hint: `Put the operator between them, as in ${glued[1]!} * (...). Python never multiplies without '*'.`,
  };
}

function explainMissingArguments(context: ErrorContext, match: RegExpExecArray): Explanation {
  const qualifiedName = match[1]!;
  const count = Number(match[2]);
  const missing = match[3]!.trim();
  const usage = describeSignature(context, qualifiedName);

  return {
    summary: `${qualifiedName}() needs a value for ${missing}, but the call on ${lineName(context.line)} does not give ${count === 1 ? 'it' : 'them'}.`,
    hint: `Pass one value for each parameter in the call${usage}.`,
  };
}

function explainTooManyArguments(context: ErrorContext, match: RegExpExecArray): Explanation {
  const qualifiedName = match[1]!;
  const expected = match[2]!;
  const given = Number(match[3]);
  const definition = findFunction(context.code, shortName(qualifiedName));

  if (qualifiedName.includes('.') && definition !== null && definition.parameters[0] !== 'self') {
    return {
      summary: `${qualifiedName}() is a method, so Python passes the object itself as its first argument, but the def on line ${definition.line} has no parameter to receive it.`,
      hint: `Add self as the first parameter: def ${shortName(qualifiedName)}(${['self', ...definition.parameters].join(', ')}):`,
    };
  }
  const takes = /^\d+$/.test(expected) ? countOf(Number(expected), 'argument') : `${expected.replace('from ', '')} arguments`;
  return {
    summary: `${qualifiedName}() takes ${takes}, but the call on ${lineName(context.line)} gives it ${given}.`,
    hint: `Remove the extra values from the call${describeSignature(context, qualifiedName)}, or add parameters to the function if it really needs them.`,
  };
}

function explainUnexpectedKeyword(context: ErrorContext, match: RegExpExecArray): Explanation {
  const qualifiedName = match[1]!;
  const keyword = match[2]!;
  return {
    summary: `The call on ${lineName(context.line)} passes ${keyword}=..., but ${qualifiedName}() has no parameter called ${quote(keyword)}.`,
    hint: `Use the parameter names that ${qualifiedName}() defines${describeSignature(context, qualifiedName)}, and check the spelling of ${quote(keyword)}.`,
  };
}

function describeSignature(context: ErrorContext, qualifiedName: string): string {
  const name = shortName(qualifiedName);
  const definition = findFunction(context.code, name);
  if (definition === null) {
    return '';
  }
  return `: line ${definition.line} defines it as ${name}(${definition.parameters.join(', ')})`;
}

function shortName(qualifiedName: string): string {
  return qualifiedName.slice(qualifiedName.lastIndexOf('.') + 1);
}
