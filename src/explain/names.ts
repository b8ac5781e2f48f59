import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { closestMatch } from './edit-distance.js';
import { BUILTIN_NAMES, STANDARD_MODULES, findDefinitions, findFunction, firstDefinitionLine } from './python-names.js';
import { lineName, lineNameAtStart } from './rules.js';

interface NameFacts {
  name: string;
  definitions: Map<string, number[]>;
  /** CPython 3.11's own "Did you mean: 'x'?" suggestion, when it printed one. */
  pythonSuggestion: string | null;
  calledAsFunction: boolean;
  usedWithDot: boolean;
}

/** Explains a NameError: a misspelling, a name used before it is set, a missing import or missing quotes. */
export function explainNameError(context: ErrorContext): Explanation | null {
  const name = /name '(\w+)' is not defined/.exec(context.message)?.[1];
  if (name === undefined) {
    return null;
  }
  const facts = gatherNameFacts(context, name);
  return (
    explainUsedBeforeAssignment(context, facts) ??
    explainMissingImport(context, facts) ??
    explainMisspeltName(context, facts) ??
    explainMissingQuotes(context, facts) ??
    explainUndefinedFunction(context, facts)
  );
}

function gatherNameFacts(context: ErrorContext, name: string): NameFacts {
  const position = context.sourceLine.search(new RegExp(`\\b${name}\\b`));
  const after = position === -1 ? '' : context.sourceLine.slice(position + name.length);
  return {
    name,
    definitions: findDefinitions(context.code),
    pythonSuggestion: /Did you mean: '(\w+)'\?/.exec(context.message)?.[1] ?? null,
    calledAsFunction: /^\s*\(/.test(after),
    usedWithDot: /^\s*\./.test(after),
  };
}

function explainUsedBeforeAssignment(context: ErrorContext, facts: NameFacts): Explanation | null {
  const definedAt = firstDefinitionLine(facts.definitions, facts.name);
  if (definedAt === null || context.line === null) {
    return null;
  }
  if (definedAt > context.line) {
    return {
      summary: `${lineNameAtStart(context.line)} uses ${quote(facts.name)}, but it only gets a value on line ${definedAt}, further down. Python runs the lines from top to bottom.`,
      hint: `Move the line that sets ${facts.name} above ${lineName(context.line)}, or give ${facts.name} a starting value before it is used.`,
    };
  }
  return {
    summary: `${quote(facts.name)} is set on line ${definedAt}, but that value cannot be seen on ${lineName(context.line)}. It may be a local variable of a function, or it may sit in a branch that did not run.`,
    hint: `Set ${facts.name} where ${lineName(context.line)} can see it: at the top level of the program above that line, or return it from the function and store the result.`,
  };
}

function explainMissingImport(context: ErrorContext, facts: NameFacts): Explanation | null {
  if (!facts.usedWithDot || !STANDARD_MODULES.includes(facts.name)) {
    return null;
  }
  return {
    summary: `${lineNameAtStart(context.line)} uses the ${facts.name} module, but the program never imports it.`,
    hint: `Add import ${facts.name} at the top of the program, before the first line that uses it.`,
  };
}

function explainMisspeltName(context: ErrorContext, facts: NameFacts): Explanation | null {
  const suggestion = suggestName(facts);
  if (suggestion === null) {
    return null;
  }
  const definedAt = firstDefinitionLine(facts.definitions, suggestion);
  const where = definedAt === null ? 'built into Python' : `set on line ${definedAt}`;
  return {
    summary: `${quote(facts.name)} on ${lineName(context.line)} is not defined. It looks like a misspelling of ${quote(suggestion)}, which is ${where}.`,
    hint: `Change ${quote(facts.name)} to ${quote(suggestion)}. Names must match exactly, including upper and lower case.`,
  };
}

function suggestName(facts: NameFacts): string | null {
  const ownNames = [...facts.definitions.keys()];
  const ownSuggestion = facts.pythonSuggestion !== null && ownNames.includes(facts.pythonSuggestion) ? facts.pythonSuggestion : closestMatch(facts.name, ownNames);
  if (ownSuggestion !== null) {
    return ownSuggestion;
  }
  const builtin = facts.pythonSuggestion ?? closestMatch(facts.name, BUILTIN_NAMES);
  if (builtin === null) {
    return null;
  }
  // A bare word close to a builtin, such as hello beside help, is more often text missing its quotes.
  const sameLetters = builtin.toLowerCase() === facts.name.toLowerCase();
  return sameLetters || facts.calledAsFunction ? builtin : null;
}

function explainMissingQuotes(context: ErrorContext, facts: NameFacts): Explanation | null {
  if (facts.calledAsFunction || facts.usedWithDot) {
    return null;
  }
  return {
    summary: `Python reads ${facts.name} on ${lineName(context.line)} as the name of a variable, but no variable called ${facts.name} has been set. If you meant the word itself as text, it needs quotes.`,
    hint: `For text, write it in quotes: "${facts.name}". For a variable, give it a value with ${facts.name} = ... on a line above ${lineName(context.line)}, and check the spelling.`,
  };
}

function explainUndefinedFunction(context: ErrorContext, facts: NameFacts): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} uses ${quote(facts.name)}, but nothing with that name is defined or imported before that line.`,
    hint: `Check the spelling. If it is your own function, define it with def ${facts.name}(...): above ${lineName(context.line)}. If it comes from a module, import it first.`,
  };
}

/** Explains an UnboundLocalError: a function assigns to a name, so reading it first fails, often because it shadows a global. */
export function explainUnboundLocalError(context: ErrorContext): Explanation | null {
  const name = /local variable '(\w+)'/.exec(context.message)?.[1];
  const functionName = context.frame?.functionName ?? null;
  if (name === undefined || functionName === null || functionName.startsWith('<')) {
    return null;
  }
  const body = new Set(findFunction(context.code, functionName)?.bodyLines ?? []);
  const bindings = findDefinitions(context.code).get(name) ?? [];
  const localLine = bindings.find((line) => body.has(line)) ?? null;
  const globalLine = bindings.find((line) => !body.has(line)) ?? null;

  if (globalLine === null) {
    return {
      summary: `${lineNameAtStart(context.line)} reads ${quote(name)} inside ${functionName}() before ${functionName}() has given it a value.`,
      hint: `Give ${name} a value earlier in ${functionName}(), before ${lineName(context.line)}, on every path through the function.`,
    };
  }
  const cause = localLine === null ? `Because ${functionName}() assigns to ${name},` : `${functionName}() assigns to ${name} on line ${localLine}, so`;
  return {
    summary: `${cause} inside ${functionName}() the name ${quote(name)} means a new local variable, not the global ${name} from line ${globalLine}. ${lineNameAtStart(context.line)} reads that local before it has a value.`,
    hint: `Pass ${name} into ${functionName}() as a parameter and return the new value. Or, if the function must change the global, write global ${name} as the first line of ${functionName}().`,
  };
}
