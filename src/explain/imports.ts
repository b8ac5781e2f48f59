import type { ErrorContext, Explanation } from './context.js';
import { quote } from './describe.js';
import { closestMatch } from './edit-distance.js';
import { STANDARD_MODULES } from './python-names.js';
import { lineName, lineNameAtStart } from './rules.js';

/** Packages installed with pip that beginner tutorials import. */
const THIRD_PARTY_PACKAGES: ReadonlySet<string> = new Set([
  'bs4', 'cv2', 'discord', 'django', 'flask', 'matplotlib', 'numpy', 'pandas', 'PIL', 'pygame',
  'requests', 'scipy', 'seaborn', 'selenium', 'sklearn', 'tensorflow', 'torch',
]);

/** Explains a ModuleNotFoundError: a misspelt standard module, or a package that is not installed. */
export function explainModuleNotFound(context: ErrorContext): Explanation | null {
  // CPython's message is "No module named 'x'". Pyodide's is "The module 'x' is included in the Pyodide distribution, but it is not installed".
  const moduleName = /No module named '([^']+)'|The module '([^']+)'/.exec(context.message)?.slice(1).find((name) => name !== undefined);
  if (moduleName === undefined) {
    return null;
  }
  const topLevel = moduleName.split('.')[0]!;
  const suggestion = THIRD_PARTY_PACKAGES.has(topLevel) ? null : closestMatch(topLevel, STANDARD_MODULES, topLevel.length <= 6 ? 1 : 2);

  if (suggestion !== null) {
    return {
      summary: `${lineNameAtStart(context.line)} imports ${quote(moduleName)}, but there is no module with that name. It looks like a misspelling of the standard module ${quote(suggestion)}.`,
      hint: `Change the import to: ${context.sourceLine.replace(new RegExp(`\\b${topLevel}\\b`), suggestion)}`,
    };
  }
  return {
    summary: `${lineNameAtStart(context.line)} imports ${quote(moduleName)}, but that module is not installed where your program runs. It is not part of Python's standard library.`,
    hint: `Check the spelling first. Your program cannot install packages itself, so use the standard library here (math, random, datetime, and the rest), which is always there.`,
  };
}

/** Explains an ImportError from `from module import name` when the module has no such name. */
export function explainImportError(context: ErrorContext): Explanation {
  const match = /^cannot import name '(\w+)' from '([\w.]+)'/.exec(context.message);
  if (match === null) {
    return {
      summary: `${lineNameAtStart(context.line)} could not import what it asked for (Python reports: ${context.message}).`,
      hint: 'Check the spelling of the module and of each name in the import line.',
    };
  }
  const [name, moduleName] = [match[1]!, match[2]!];
  const circular = /circular import/.test(context.message) ? ` This also happens when your own file is called ${moduleName}.py.` : '';
  return {
    summary: `${lineNameAtStart(context.line)} imports ${quote(name)} from ${moduleName}, but ${moduleName} has nothing with that name.${circular}`,
    hint: `Check the spelling and case of ${quote(name)}. After import ${moduleName}, print(dir(${moduleName})) lists every name the module has, on ${lineName(context.line)} or anywhere after it.`,
  };
}
