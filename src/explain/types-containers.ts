import type { ErrorContext, Explanation } from './context.js';
import { describeType, quote } from './describe.js';
import { explainNoneValue } from './none-values.js';
import { lineName, lineNameAtStart, type MessageRule } from './rules.js';

const FUNCTION_TYPES: ReadonlySet<string> = new Set(['function', 'builtin_function_or_method', 'method', 'type']);

/** TypeError shapes about items, lengths and loops over values that have none. */
export const CONTAINER_RULES: readonly MessageRule[] = [
  { pattern: /^'(\w+)' object is not subscriptable/, explain: explainNotSubscriptable },
  { pattern: /^'(\w+)' object does not support item assignment/, explain: explainImmutable },
  { pattern: /^object of type '(\w+)' has no len\(\)/, explain: explainNoLength },
  { pattern: /^'(\w+)' object is not iterable/, explain: explainNotIterable },
  { pattern: /^(list|tuple|string) indices must be integers(?: or slices)?, not '?(\w+)'?/, explain: explainBadIndexType },
  { pattern: /^unhashable type: '(\w+)'/, explain: explainUnhashable },
];

function explainNotSubscriptable(context: ErrorContext, match: RegExpExecArray): Explanation {
  const typeName = match[1]!;
  const subscript = context.subscript;
  const named = subscript ? quote(subscript.container) : 'the value';

  if (typeName === 'NoneType') {
    return explainNoneValue(context, subscript?.container ?? null, 'has no items to pick with [ ]');
  }
  if (FUNCTION_TYPES.has(typeName)) {
    const call = subscript ? `Write ${subscript.container}(${subscript.index}) instead of ${subscript.container}[${subscript.index}].` : 'Write the function name followed by ( ) with the arguments inside.';
    return {
      summary: `${lineNameAtStart(context.line)} puts [ ] after ${named}, which is a function. Functions are called with ( ), not [ ].`,
      hint: call,
    };
  }
  return {
    summary: `On ${lineName(context.line)}, ${named} is ${describeType(typeName)}, which has no items to pick with [ ].`,
    hint: NUMBER_HINT.get(typeName) ?? 'Check that the value before [ ] holds the list, string or dictionary you meant at that point.',
  };
}

const NUMBER_HINT: ReadonlyMap<string, string> = new Map(Object.entries({
  int: 'To pick a digit, turn the number into text first: str(number)[0]. Otherwise check which variable holds your list.',
  float: 'To pick a digit, turn the number into text first: str(number)[0]. Otherwise check which variable holds your list.',
}));

function explainImmutable(context: ErrorContext, match: RegExpExecArray): Explanation {
  const typeName = match[1]!;
  const hint =
    typeName === 'str'
      ? 'Build a new string instead, for example with text.replace("a", "b") or slices such as text[:i] + "x" + text[i + 1:].'
      : `Use a list instead, which can be changed: list(${typeName === 'tuple' ? 'the_tuple' : 'value'}) makes one.`;
  return {
    summary: `${lineNameAtStart(context.line)} tries to change one item of ${describeType(typeName)}, but ${describeType(typeName)} cannot be changed after it is created.`,
    hint,
  };
}

function explainNoLength(context: ErrorContext, match: RegExpExecArray): Explanation {
  const typeName = match[1]!;
  const digits = typeName === 'int' ? ' To count the digits of a number, use len(str(number)).' : '';
  return {
    summary: `${lineNameAtStart(context.line)} asks for the len() of ${describeType(typeName)}. len() counts the items of a string, list, tuple or dictionary, and ${describeType(typeName)} has no items.`,
    hint: `Check that you pass len() the collection you meant.${digits}`,
  };
}

function explainNotIterable(context: ErrorContext, match: RegExpExecArray): Explanation {
  const typeName = match[1]!;
  if (typeName === 'NoneType') {
    return explainNoneValue(context, loopSource(context.sourceLine), 'cannot be looped over');
  }
  const rangeHint = typeName === 'int' || typeName === 'float' ? ' To repeat something n times, loop over range(n), as in for i in range(5):.' : '';
  return {
    summary: `${lineNameAtStart(context.line)} loops over ${describeType(typeName)}, or unpacks it, but ${describeType(typeName)} has no items to go through one by one.`,
    hint: `Loop over a list, a string, a dictionary or a range instead.${rangeHint}`,
  };
}

function loopSource(sourceLine: string): string | null {
  return /\bin\s+(.+?):?\s*$/.exec(sourceLine)?.[1] ?? null;
}

function explainBadIndexType(context: ErrorContext, match: RegExpExecArray): Explanation {
  const containerType = match[1]!;
  const indexType = match[2]!;
  const hint =
    indexType === 'str'
      ? 'If the position comes from input(), convert it to a number first: int(input(...)). To look something up by name, use a dictionary instead.'
      : indexType === 'float'
        ? 'Turn the position into a whole number: use // for division (7 // 2 is 3) or int(value).'
        : 'Use a whole number (int) between the [ ].';
  return {
    summary: `${lineNameAtStart(context.line)} picks an item of a ${containerType} with ${describeType(indexType)}, but positions in a ${containerType} are whole numbers (int), counted from 0.`,
    hint,
  };
}

function explainUnhashable(context: ErrorContext, match: RegExpExecArray): Explanation {
  const typeName = match[1]!;
  return {
    summary: `${lineNameAtStart(context.line)} uses ${describeType(typeName)} as a dictionary key or a set item. Keys and set items must be values that cannot change, and ${describeType(typeName)} can.`,
    hint: typeName === 'list' ? 'Use a tuple instead of the list, for example tuple(values), which cannot change.' : 'Use a string, a number or a tuple as the key instead.',
  };
}
