const TYPE_DESCRIPTIONS: ReadonlyMap<string, string> = new Map(Object.entries({
  str: 'a string (str)',
  int: 'an integer (int)',
  float: 'a decimal number (float)',
  bool: 'a boolean (bool)',
  list: 'a list',
  tuple: 'a tuple',
  dict: 'a dictionary (dict)',
  set: 'a set',
  NoneType: 'None',
  function: 'a function',
  builtin_function_or_method: 'a built-in function',
  method: 'a method',
  module: 'a module',
  type: 'a class',
  range: 'a range',
}));

/** Names a Python type for a beginner, with its article: "a string (str)". */
export function describeType(typeName: string): string {
  return TYPE_DESCRIPTIONS.get(typeName) ?? `a '${typeName}' value`;
}

/** Shortens text to at most `max` characters, ending with an ellipsis when it had to cut. */
export function shorten(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) {
    return flat;
  }
  return `${flat.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Quotes a name or a short piece of code in single quotes, shortened to fit in a sentence.
 * A string literal such as "Age: " is shown as it is, since it already has quotes.
 */
export function quote(text: string, max = 40): string {
  const shortened = shorten(text, max);
  return /^(['"]).*\1$/.test(text.trim()) && shortened.length === text.trim().length ? shortened : `'${shortened}'`;
}

/** Writes a count with a singular or plural noun: "1 item", "3 items". */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** Joins words as "a", "a and b" or "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) {
    return words[0] ?? '';
  }
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
}
