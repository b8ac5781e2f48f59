import type { ErrorContext, Explanation } from './context.js';
import { describeType, quote } from './describe.js';
import { markedText, readBinaryOperation, splitAtOperator, type BinaryOperation } from './marks.js';
import { findAssignment, isIdentifier } from './python-names.js';
import { applyRules, lineName, lineNameAtStart, type MessageRule } from './rules.js';
import { CALL_RULES } from './types-calls.js';
import { CONTAINER_RULES } from './types-containers.js';

const NUMBER_TYPES: ReadonlySet<string> = new Set(['int', 'float']);

const OPERATOR_RULES: readonly MessageRule[] = [
  { pattern: /^can only concatenate (\w+) \(not "(\w+)"\) to \1/, explain: explainConcatenation },
  { pattern: /^unsupported operand type\(s\) for (.+?): '(\w+)' and '(\w+)'/, explain: explainUnsupportedOperands },
  { pattern: /^'(<|>|<=|>=)' not supported between instances of '(\w+)' and '(\w+)'/, explain: explainUnorderedComparison },
  { pattern: /^can't multiply sequence by non-int of type '(\w+)'/, explain: explainSequenceRepeat },
];

/** Explains a TypeError: an operation or call got a value of the wrong type. */
export function explainTypeError(context: ErrorContext): Explanation {
  return applyRules(context, [...OPERATOR_RULES, ...CALL_RULES, ...CONTAINER_RULES]) ?? explainOtherTypeError(context);
}

/**
 * Reads the operands of the failing operation from CPython's markers, or, for a marked
 * comparison or a bare condition, by splitting the text at the operator.
 */
function operationOf(context: ErrorContext, operator: string | null = null): BinaryOperation | null {
  const marked = context.span ? readBinaryOperation(context.span) : null;
  if (marked !== null || operator === null) {
    return marked;
  }
  const condition = /^(?:if|elif|while)\s+(.*?):?$/.exec(context.sourceLine)?.[1];
  const expression = context.span ? markedText(context.span) : condition;
  return expression === undefined ? null : splitAtOperator(expression, operator);
}

function explainConcatenation(context: ErrorContext, match: RegExpExecArray): Explanation {
  const container = match[1]!;
  const other = match[2]!;
  const operation = operationOf(context);
  const left = operation?.left ?? 'text';
  const right = operation?.right ?? 'value';

  if (container === 'str') {
    const parts = operation ? `${quote(left)} is a string but ${quote(right)} is ${describeType(other)}` : `a string is joined with ${describeType(other)}`;
    const examples = operation ? `${left} + str(${right}). Or use an f-string: ${fStringExample(left, right)}` : '"Age: " + str(age). Or use an f-string: f"Age: {age}"';
    return {
      summary: `On ${lineName(context.line)}, ${parts}, and '+' only joins text to text. Python does not turn ${describeType(other)} into text by itself.`,
      hint: `Turn the value into text with str(), as in ${examples}.`,
    };
  }
  return {
    summary: `${lineNameAtStart(context.line)} uses '+' to join ${describeType(container)} with ${describeType(other)}, but '+' only joins ${describeType(container)} to another ${container}.`,
    hint: container === 'list' ? `To add one item, use ${left}.append(${right}), or put the item in a list first: ${left} + [${right}].` : `Put the value into ${describeType(container)} first, so that both sides of '+' are the same kind.`,
  };
}

function fStringExample(left: string, right: string): string {
  const literal = /^(["'])(.*)\1$/.exec(left);
  if (literal) {
    return `f${literal[1]!}${literal[2]!}{${right}}${literal[1]!}`;
  }
  return `f"{${left}}{${right}}"`;
}

function explainUnsupportedOperands(context: ErrorContext, match: RegExpExecArray): Explanation {
  const [operator, leftType, rightType] = [match[1]!, match[2]!, match[3]!];
  const described = `${lineNameAtStart(context.line)} uses ${quote(operator)} with ${describeType(leftType)} on the left and ${describeType(rightType)} on the right`;

  if (leftType === 'NoneType' || rightType === 'NoneType') {
    return {
      summary: `${described}. A None often comes from a function that has no return statement, or from a method such as sort() that changes a list and returns None.`,
      hint: 'Find where the None value was set, and make that function return a value with return.',
    };
  }
  if (mixesTextAndNumber(leftType, rightType)) {
    return explainTextWithNumber(context, described, operator, leftType === 'str' ? 'left' : 'right');
  }
  return {
    summary: `${described}, and Python has no rule for ${quote(operator)} between those two kinds of values.`,
    hint: 'Check what each side holds, for example with print(type(value)), and convert one of them so that both sides match.',
  };
}

function mixesTextAndNumber(first: string, second: string): boolean {
  return (first === 'str' && NUMBER_TYPES.has(second)) || (second === 'str' && NUMBER_TYPES.has(first));
}

function explainTextWithNumber(context: ErrorContext, described: string, operator: string, textSide: 'left' | 'right'): Explanation {
  const operation = operationOf(context, operator);
  const textOperand = operation ? operation[textSide] : null;
  const fromInput = textOperand !== null ? inputAssignment(context, textOperand) : null;

  if (fromInput) {
    return {
      summary: `${described}. ${quote(textOperand!)} holds text because it comes from input() on line ${fromInput.line}, and input() always returns a string.`,
      hint: `Convert the text to a number when you read it: ${textOperand!} = int(${fromInput.value}). Use float() instead of int() for decimal numbers.`,
    };
  }
  const addHint = operator === '+' ? ' To join them as text instead, turn the number into text with str().' : '';
  return {
    summary: `${described}. Python does not convert between text and numbers by itself.`,
    hint: `To calculate, turn the text into a number first with int() or float().${addHint}`,
  };
}

/** Returns the `name = input(...)` line that gave a variable its text, if there is one before the error. */
function inputAssignment(context: ErrorContext, operand: string): { line: number; value: string } | null {
  if (!isIdentifier(operand)) {
    return null;
  }
  const assignment = findAssignment(context.codeLines, operand, context.line);
  return assignment !== null && /^input\(/.test(assignment.value) ? assignment : null;
}

function explainUnorderedComparison(context: ErrorContext, match: RegExpExecArray): Explanation {
  const [operator, leftType, rightType] = [match[1]!, match[2]!, match[3]!];
  const described = `${lineNameAtStart(context.line)} compares ${describeType(leftType)} with ${describeType(rightType)} using ${quote(operator)}`;
  if (!mixesTextAndNumber(leftType, rightType)) {
    return {
      summary: `${described}, and Python cannot put those two kinds of values in order.`,
      hint: 'Compare values of the same kind. Check what each side holds, for example with print(type(value)).',
    };
  }
  return explainTextWithNumber(context, described, operator, leftType === 'str' ? 'left' : 'right');
}

function explainSequenceRepeat(context: ErrorContext, match: RegExpExecArray): Explanation {
  const otherType = match[1]!;
  const operation = operationOf(context);
  const fromInput = operation ? inputAssignment(context, operation.left) ?? inputAssignment(context, operation.right) : null;
  const inputNote = fromInput ? ` The text from input() on line ${fromInput.line} is still a string.` : '';

  return {
    summary: `${lineNameAtStart(context.line)} multiplies a string or a list by ${describeType(otherType)}. Repeating text, as in "ab" * 3, needs a whole number (int).${inputNote}`,
    hint: 'If both values are meant to be numbers, convert the text first with int() or float(), for example int(input(...)).',
  };
}

function explainOtherTypeError(context: ErrorContext): Explanation {
  return {
    summary: `${lineNameAtStart(context.line)} uses a value of a type that does not fit there (Python reports: ${context.message}).`,
    hint: `Print the type of each value on ${lineName(context.line)}, for example print(type(value)), to find the one that is not what you expected.`,
  };
}
