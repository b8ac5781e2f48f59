import type { ErrorContext, Explanation } from './context.js';

/** Explains one shape of error message, recognised by a pattern. */
export interface MessageRule {
  pattern: RegExp;
  explain: (context: ErrorContext, match: RegExpExecArray) => Explanation | null;
}

/** Applies the first rule whose pattern matches the message and whose explainer gives a result. */
export function applyRules(context: ErrorContext, rules: readonly MessageRule[]): Explanation | null {
  for (const rule of rules) {
    const match = rule.pattern.exec(context.message);
    const explanation = match ? rule.explain(context, match) : null;
    if (explanation) {
      return explanation;
    }
  }
  return null;
}

/** Writes "line 3", or "this line" when the line is unknown. */
export function lineName(line: number | null): string {
  return line === null ? 'this line' : `line ${line}`;
}

/** Writes "Line 3", or "This line" when the line is unknown, to start a sentence. */
export function lineNameAtStart(line: number | null): string {
  return line === null ? 'This line' : `Line ${line}`;
}
