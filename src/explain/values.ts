import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { readBinaryOperation } from './marks.js';
import { applyRules, lineName, lineNameAtStart, type MessageRule } from './rules.js';

const VALUE_RULES: readonly MessageRule[] = [
  { pattern: /^invalid literal for int\(\) with base \d+: (.*)$/s, explain: (context, match) => explainNumberConversion(context, 'int', match[1]!) },
  { pattern: /^could not convert string to float: (.*)$/s, explain: (context, match) => explainNumberConversion(context, 'float', match[1]!) },
  { pattern: /^too many values to unpack \(expected (\d+)\)/, explain: explainTooManyValues },
  { pattern: /^not enough values to unpack \(expected (\d+), got (\d+)\)/, explain: explainTooFewValues },
  { pattern: /^math domain error/, explain: explainMathDomain },
  { pattern: /^list\.remove\(x\): x not in list|^(.+) is not in list/, explain: explainMissingListItem },
];

/** Explains a ValueError: a value of the right type whose content does not fit, such as int("abc"). */
export function explainValueError(context: ErrorContext): Explanation {
  return (
    applyRules(context, VALUE_RULES) ?? {
      summary: `${lineNameAtStart(context.line)} passes a value of the right type but with content that does not fit (Python reports: ${context.message}).`,
      hint: `Print the values used on ${lineName(context.line)} just before it to see which one is not what you expected.`,
    }
  );
}

/** Reads the text of a Python string repr such as 'abc' or "it's", and returns other reprs unchanged. */
function unquoteRepr(repr: string): string {
  const match = /^(['"])(.*)\1$/s.exec(repr.trim());
  return match ? match[2]!.replace(/\\(['"\\])/g, '$1') : repr.trim();
}

function explainNumberConversion(context: ErrorContext, converter: 'int' | 'float', repr: string): Explanation {
  const text = unquoteRepr(repr);
  const fromInput = /\binput\(/.test(context.sourceLine) || /\binput\(/.test(context.code);
  const summary = `${lineNameAtStart(context.line)} asks ${converter}() to turn ${describeText(text)} into a number, but ${reasonNotANumber(converter, text)}.`;

  if (converter === 'int' && /^\s*[-+]?\d*\.\d+\s*$/.test(text)) {
    return { summary, hint: 'Use float() for numbers with decimals, or int(float(text)) to drop the decimals.' };
  }
  const inputAdvice = fromInput ? ' When the text comes from input(), type a plain number when the program asks.' : '';
  return {
    summary,
    hint: `Make sure the text contains only digits (and a point for float()).${inputAdvice} To check first, use text.isdigit(), or catch the error with try and except ValueError.`,
  };
}

function describeText(text: string): string {
  return text === '' ? 'an empty text ("")' : `the text ${quote(text)}`;
}

function reasonNotANumber(converter: 'int' | 'float', text: string): string {
  if (text.trim() === '') {
    return 'there is nothing in it, as happens when the user just presses Enter';
  }
  if (converter === 'int' && /^\s*[-+]?\d*\.\d+\s*$/.test(text)) {
    return 'int() only reads whole numbers, and this one has a decimal point';
  }
  if (/^\s*[-+]?[\d,]+(\.\d+)?\s*$/.test(text)) {
    return 'Python numbers cannot contain commas';
  }
  return 'it is not written as a number';
}

function explainTooManyValues(context: ErrorContext, match: RegExpExecArray): Explanation {
  const expected = Number(match[1]);
  return {
    summary: `${lineNameAtStart(context.line)} unpacks a value into ${expected} variables, but the value has more than ${expected} items.`,
    hint: 'Use as many names on the left of = as there are items, or collect the rest with a star, as in first, *rest = items.',
  };
}

function explainTooFewValues(context: ErrorContext, match: RegExpExecArray): Explanation {
  const expected = Number(match[1]);
  const got = Number(match[2]);
  return {
    summary: `${lineNameAtStart(context.line)} unpacks a value into ${expected} variables, but the value has only ${got} ${got === 1 ? 'item' : 'items'}.`,
    hint: 'Use as many names on the left of = as there are items, or check that the value holds all the items you expect.',
  };
}

function explainMathDomain(context: ErrorContext): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} calls a math function with a value it cannot work with, such as math.sqrt() of a negative number or math.log() of 0.`,
    hint: 'Check the value first, for example with if value >= 0:, or print it before that line to see what it is.',
  };
}

function explainMissingListItem(context: ErrorContext): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} looks for an item in a list with remove() or index(), but the list does not contain that item.`,
    hint: 'Check first with if item in the_list:, and print the list to see what it holds.',
  };
}

/** Explains a ZeroDivisionError, naming the divisor when CPython marked it. */
export function explainZeroDivisionError(context: ErrorContext): Explanation {
  const operation = context.span ? readBinaryOperation(context.span) : null;
  const divisor = operation?.right ?? null;
  const divisorText = divisor === null || divisor === '0' ? 'zero' : `${quote(divisor)}, which is 0 at that moment`;
  const emptyNote = divisor !== null && /\blen\(/.test(divisor) ? ' Here the list is empty, so its len() is 0.' : '';

  return {
    summary: `${lineNameAtStart(context.line)} divides by ${divisorText}. Dividing by zero has no answer, so Python stops.${emptyNote}`,
    hint: `Check the value before dividing, for example: if ${divisor !== null && divisor !== '0' ? divisor : 'divisor'} != 0: and handle the zero case another way, such as printing a message.`,
  };
}
