import type { ErrorContext, Explanation } from './context.js';
import { describeType, quote } from './describe.js';
import { closestMatch } from './edit-distance.js';
import { explainNoneValue } from './none-values.js';
import { markedText } from './marks.js';
import { applyRules, lineName, lineNameAtStart, type MessageRule } from './rules.js';

/** Methods of the built-in types beginners use, for spelling suggestions. */
const TYPE_METHODS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  str: [
    'capitalize', 'center', 'count', 'endswith', 'find', 'format', 'index', 'isalnum', 'isalpha',
    'isdigit', 'islower', 'isnumeric', 'isspace', 'isupper', 'join', 'ljust', 'lower', 'lstrip',
    'replace', 'rfind', 'rjust', 'rstrip', 'split', 'splitlines', 'startswith', 'strip', 'swapcase',
    'title', 'upper', 'zfill',
  ],
  list: ['append', 'clear', 'copy', 'count', 'extend', 'index', 'insert', 'pop', 'remove', 'reverse', 'sort'],
  dict: ['clear', 'copy', 'get', 'items', 'keys', 'pop', 'popitem', 'setdefault', 'update', 'values'],
  set: ['add', 'clear', 'copy', 'difference', 'discard', 'intersection', 'issubset', 'issuperset', 'pop', 'remove', 'union', 'update'],
  tuple: ['count', 'index'],
  int: ['bit_length', 'to_bytes'],
  float: ['as_integer_ratio', 'is_integer'],
}));

/** A method name from other languages, or from another Python type, and the Python way to write it. */
interface ForeignMethod {
  /** Types where the name is a mistake, or null for every type. */
  types: readonly string[] | null;
  rewrite: (target: string, typeName: string) => string;
}

function appendFor(target: string, typeName: string): string {
  return typeName === 'str' ? `${target} = ${target} + "more text"` : `${target}.append(item)`;
}

const FOREIGN_METHODS: ReadonlyMap<string, ForeignMethod> = new Map(Object.entries({
  push: { types: ['list', 'str'], rewrite: appendFor },
  add: { types: ['list', 'str'], rewrite: appendFor },
  append: { types: ['str'], rewrite: appendFor },
  length: { types: null, rewrite: (target) => `len(${target})` },
  size: { types: null, rewrite: (target) => `len(${target})` },
  len: { types: null, rewrite: (target) => `len(${target})` },
  toUpperCase: { types: null, rewrite: (target) => `${target}.upper()` },
  toLowerCase: { types: null, rewrite: (target) => `${target}.lower()` },
  trim: { types: null, rewrite: (target) => `${target}.strip()` },
  contains: { types: null, rewrite: (target) => `item in ${target}` },
  includes: { types: null, rewrite: (target) => `item in ${target}` },
  indexOf: { types: null, rewrite: (target) => `${target}.index(item)` },
  forEach: { types: null, rewrite: (target) => `for item in ${target}:` },
  charAt: { types: null, rewrite: (target) => `${target}[i]` },
  substring: { types: null, rewrite: (target) => `${target}[start:end]` },
  has_key: { types: null, rewrite: (target) => `key in ${target}` },
}));

function findForeignMethod(attribute: string, typeName: string): ForeignMethod | null {
  // Misspellings of length, such as lenght, mean len() just as length does.
  const key = closestMatch(attribute, ['length'], 2) !== null ? 'length' : attribute;
  const foreign = FOREIGN_METHODS.get(key) ?? null;
  if (foreign === null || (foreign.types !== null && !foreign.types.includes(typeName))) {
    return null;
  }
  return foreign;
}

const ATTRIBUTE_RULES: readonly MessageRule[] = [
  { pattern: /^'(\w+)' object has no attribute '(\w+)'(?:\. Did you mean: '(\w+)'\?)?/, explain: explainMissingAttribute },
  { pattern: /^(?:partially initialized )?module '([\w.]+)' has no attribute '(\w+)'(?:\. Did you mean: '(\w+)'\?)?/, explain: explainMissingModuleName },
];

/** Explains an AttributeError: a method or attribute the value does not have. */
export function explainAttributeError(context: ErrorContext): Explanation {
  return (
    applyRules(context, ATTRIBUTE_RULES) ?? {
      summary: `${lineNameAtStart(context.line)} uses an attribute that the value does not have (Python reports: ${context.message}).`,
      hint: 'Check the spelling after the dot. print(dir(value)) lists every attribute and method a value has.',
    }
  );
}

/** Returns the text before the last dot of the marked `target.attribute`, such as `names` in `names.push`. */
function attributeTarget(context: ErrorContext, attribute: string): string | null {
  const text = context.span ? markedText(context.span) : context.sourceLine;
  const match = new RegExp(`([\\w.[\\]"']+(?:\\(\\))?)\\.${attribute}\\b`).exec(text);
  return match?.[1] ?? null;
}

/** How to name the value before the dot: quoted in sentences, and as a variable in code examples. */
interface AttributeOwner {
  subject: string;
  code: string;
}

function describeOwner(target: string | null): AttributeOwner {
  return target === null ? { subject: 'the value', code: 'value' } : { subject: quote(target), code: target };
}

function explainMissingAttribute(context: ErrorContext, match: RegExpExecArray): Explanation {
  const [typeName, attribute] = [match[1]!, match[2]!];
  const target = attributeTarget(context, attribute);
  if (typeName === 'NoneType') {
    return explainNoneValue(context, target, `has no ${quote(attribute)}`);
  }
  const owner = describeOwner(target);
  const foreign = findForeignMethod(attribute, typeName);
  if (foreign !== null) {
    return {
      summary: `On ${lineName(context.line)}, ${owner.subject} is ${describeType(typeName)}, which has no ${quote(attribute)}. That name comes from other languages, and Python writes it differently.`,
      hint: `In Python, write ${foreign.rewrite(owner.code, typeName)} instead of ${owner.code}.${attribute}.`,
    };
  }
  const suggestion = match[3] ?? closestMatch(attribute, TYPE_METHODS.get(typeName) ?? []);
  if (suggestion !== null) {
    return explainMisspeltAttribute(context, owner, attribute, suggestion, describeType(typeName));
  }
  return explainUnknownAttribute(context, owner, attribute, typeName);
}

function explainMisspeltAttribute(context: ErrorContext, owner: AttributeOwner, attribute: string, suggestion: string, ownerType: string): Explanation {
  return {
    summary: `On ${lineName(context.line)}, ${owner.subject} is ${ownerType}, which has no ${quote(attribute)}. It looks like a misspelling of ${quote(suggestion)}.`,
    hint: `Change ${owner.code}.${attribute} to ${owner.code}.${suggestion}. Names must match exactly, including upper and lower case.`,
  };
}

function explainUnknownAttribute(context: ErrorContext, owner: AttributeOwner, attribute: string, typeName: string): Explanation {
  const methods = TYPE_METHODS.get(typeName);
  const examples = methods ? ` Its methods include ${methods.slice(0, 6).join(', ')}.` : '';
  return {
    summary: `On ${lineName(context.line)}, ${owner.subject} is ${describeType(typeName)}, which has no attribute or method called ${quote(attribute)}.`,
    hint: `Check the spelling, and check that ${owner.code} holds the kind of value you expect.${examples} print(dir(${owner.code})) lists them all.`,
  };
}

function explainMissingModuleName(context: ErrorContext, match: RegExpExecArray): Explanation {
  const [moduleName, attribute] = [match[1]!, match[2]!];
  const suggestion = match[3];
  if (/partially initialized module/.test(context.message)) {
    return {
      summary: `The module ${quote(moduleName)} was still loading when ${lineName(context.line)} used it, which happens when your own file has the same name as the module.`,
      hint: `Rename your file so it is not called ${moduleName}.py, and run again.`,
    };
  }
  if (suggestion !== undefined) {
    return explainMisspeltAttribute(context, describeOwner(moduleName), attribute, suggestion, 'a module');
  }
  return {
    summary: `The ${moduleName} module has nothing called ${quote(attribute)}, so ${lineName(context.line)} cannot use ${moduleName}.${attribute}.`,
    hint: `Check the spelling. print(dir(${moduleName})) lists every name the module has.`,
  };
}
