import { readMarkedSpan, readSubscript, readSubscriptOnLine, type MarkedSpan, type Subscript } from './marks.js';
import type { ParsedTraceback, TracebackFrame } from './parse-traceback.js';
import { lineAt, splitLines } from './python-source.js';

/** Facts about one failed run, shared by every explainer. */
export interface ErrorContext {
  code: string;
  /** The learner's code split into lines, where index 0 is line 1. */
  codeLines: string[];
  errorType: string;
  message: string;
  traceback: ParsedTraceback;
  /** The frame in the learner's file where the error surfaced, or the best guess at it. */
  frame: TracebackFrame | null;
  line: number | null;
  /** The learner's code at `line`, trimmed, or else the line CPython printed. */
  sourceLine: string;
  /** The span CPython marked with `^` and `~` on that line. Null when none was printed, as for Pyodide's `<exec>` code. */
  span: MarkedSpan | null;
  /** The subscript that failed, such as `nums[3]`, from the markers or else from the line itself. */
  subscript: Subscript | null;
}

/** An explainer's result. `line` replaces the traceback's line when the cause sits elsewhere. */
export interface Explanation {
  summary: string;
  hint: string;
  line?: number | null;
}

/** Explains one exception type, or returns null to leave it to the generic explanation. */
export type Explainer = (context: ErrorContext) => Explanation | null;

const LEARNER_FILE = 'main.py';
// Names CPython gives code that has no file: Pyodide runs it as <exec>, `python -c` as <string>.
const PSEUDO_FILES: ReadonlySet<string> = new Set(['<exec>', '<stdin>', '<string>']);
const LIBRARY_PATH = /\/lib\/python|site-packages|<frozen /;

/** Builds the context for a parsed traceback of a run of `code`. */
export function buildContext(code: string, traceback: ParsedTraceback): ErrorContext {
  const codeLines = splitLines(code);
  const frame = pickLearnerFrame(traceback.frames);
  const line = frame?.line ?? null;
  const printedLine = frame?.printedLine ?? null;
  const sourceLine = (lineAt(codeLines, line) ?? printedLine ?? '').trim();
  const span = printedLine !== null && frame?.markerLine ? readMarkedSpan(printedLine, frame.markerLine) : null;

  return {
    code,
    codeLines,
    errorType: traceback.errorType,
    message: traceback.message,
    traceback,
    frame,
    line,
    sourceLine,
    span,
    subscript: span ? readSubscript(span) : readSubscriptOnLine(sourceLine),
  };
}

/**
 * Picks the last frame in the learner's file: main.py in any folder, else code without a
 * file such as Pyodide's `<exec>`, else the last frame outside the Python library, else
 * the last frame. main.py wins over `<string>` so that code run with exec() points at the exec() call.
 */
export function pickLearnerFrame(frames: readonly TracebackFrame[]): TracebackFrame | null {
  const mainFrames = frames.filter((frame) => baseName(frame.file) === LEARNER_FILE);
  const pseudoFrames = frames.filter((frame) => PSEUDO_FILES.has(frame.file));
  const ownFrames = frames.filter((frame) => !LIBRARY_PATH.test(frame.file));
  return mainFrames.at(-1) ?? pseudoFrames.at(-1) ?? ownFrames.at(-1) ?? frames.at(-1) ?? null;
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
