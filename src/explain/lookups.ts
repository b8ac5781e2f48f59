import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { closestMatch } from './edit-distance.js';
import { findAssignment, isIdentifier } from './python-names.js';
import { maskStringsAndComments } from './python-source.js';
import { applyRules, lineName, lineNameAtStart, type MessageRule } from './rules.js';

const INDEX_RULES: readonly MessageRule[] = [
  { pattern: /^(list|string|tuple|range object) index out of range/, explain: explainIndexOutOfRange },
  { pattern: /^list assignment index out of range/, explain: explainAssignmentPastEnd },
  { pattern: /^pop from empty list|^pop index out of range/, explain: explainPopFromEmpty },
  { pattern: /^Cannot choose from an empty sequence/, explain: explainChoiceFromEmpty },
];

/** Explains an IndexError: a position past the end of a list, string or tuple. */
export function explainIndexError(context: ErrorContext): Explanation {
  return (
    applyRules(context, INDEX_RULES) ?? {
      summary: `${lineNameAtStart(context.line)} asks for a position that does not exist (Python reports: ${context.message}).`,
      hint: 'Positions start at 0, so the last one is len(items) - 1. Print the collection and its len() just before that line.',
    }
  );
}

function explainIndexOutOfRange(context: ErrorContext, match: RegExpExecArray): Explanation {
  const kind = match[1] === 'range object' ? 'range' : match[1]!;
  const subscript = context.subscript;
  const container = subscript?.container ?? 'items';
  const named = subscript ? quote(subscript.container) : `the ${kind}`;
  const length = subscript ? literalLength(context, subscript.container) : null;
  const indexText = subscript ? `index ${subscript.index}` : 'an index';

  const sizeNote = length === null ? 'has no item at that position' : `has ${length} ${length === 1 ? 'item' : 'items'}, so its indexes go from 0 to ${length - 1}`;
  const lenNote = subscript && /^len\(/.test(subscript.index) ? ' len() is one more than the last index.' : '';
  return {
    summary: `${lineNameAtStart(context.line)} uses ${indexText} on ${named}, but it ${sizeNote}.${lenNote}`,
    hint: `Indexes start at 0, so the last item is at len(${container}) - 1, or simply [-1]. Check the index first, for example with if i < len(${container}):.`,
  };
}

/**
 * Counts the items of the list, tuple or string literal last assigned to a name before the
 * error, such as `nums = [1, 2, 3]`. Returns null when that value is not such a literal.
 */
function literalLength(context: ErrorContext, name: string): number | null {
  const assignment = isIdentifier(name) ? findAssignment(context.codeLines, name, context.line) : null;
  const value = assignment?.value ?? '';
  const stringLiteral = /^(['"])([^'"\\]*)\1$/.exec(value);
  if (stringLiteral) {
    return stringLiteral[2]!.length;
  }
  if (!/^[[(].*[\])]$/.test(value)) {
    return null;
  }
  return countTopLevelItems(maskStringsAndComments(value).slice(1, -1));
}

function countTopLevelItems(inner: string): number {
  if (inner.trim() === '') {
    return 0;
  }
  let depth = 0;
  let items = 1;
  for (const char of inner) {
    depth += '([{'.includes(char) ? 1 : ')]}'.includes(char) ? -1 : 0;
    items += char === ',' && depth === 0 ? 1 : 0;
  }
  // A trailing comma, as in [1, 2,], adds no item.
  return inner.trimEnd().endsWith(',') ? items - 1 : items;
}

function explainAssignmentPastEnd(context: ErrorContext): Explanation {
  const subscript = context.subscript;
  const name = subscript?.container ?? 'items';
  return {
    summary: `${lineNameAtStart(context.line)} assigns to a position of ${subscript ? quote(name) : 'a list'} that does not exist yet. Assigning with [ ] only replaces items that are already there.`,
    hint: `To add an item at the end, use ${name}.append(value).`,
  };
}

function explainPopFromEmpty(context: ErrorContext): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} calls pop() on a list that has no item at that position. Often the list is already empty.`,
    hint: 'Check the list first, for example with if items: before calling pop().',
  };
}

function explainChoiceFromEmpty(context: ErrorContext): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} asks random.choice() to pick from an empty list, so there is nothing to choose.`,
    hint: 'Make sure the list has items before that line, for example by printing it.',
  };
}

/** Explains a KeyError: a dictionary lookup of a key the dictionary does not have. */
export function explainKeyError(context: ErrorContext): Explanation {
  const key = context.message.trim() || 'that key';
  const subscript = context.subscript;
  const name = subscript?.container ?? 'the_dict';
  const named = subscript ? quote(name) : 'the dictionary';
  const keys = subscript ? literalKeys(context, subscript.container) : null;
  const close = keys && /^['"]/.test(key) ? closestMatch(unquote(key), keys.map(unquote)) : null;
  const known = keys && keys.length > 0 ? ` Its keys are ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}.` : '';
  const closeNote = close !== null ? ` Did you mean ${quote(close)}?` : '';

  return {
    summary: `${lineNameAtStart(context.line)} looks up the key ${key} in ${named}, but it has no such key.${known}`,
    hint: `Check the spelling and case of the key.${closeNote} To avoid the error, test with if ${key} in ${name}: first, or use ${name}.get(${key}), which gives None for a missing key.`,
  };
}

function literalKeys(context: ErrorContext, name: string): string[] | null {
  const assignment = isIdentifier(name) ? findAssignment(context.codeLines, name, context.line) : null;
  if (assignment === null || !/^\{.*\}$/.test(assignment.value)) {
    return null;
  }
  return [...assignment.value.matchAll(/(?:^\{|,)\s*((['"])[^'"]*\2|-?\d+)\s*:/g)].map((found) => found[1]!);
}

function unquote(key: string): string {
  return key.replace(/^(['"])(.*)\1$/, '$2');
}
