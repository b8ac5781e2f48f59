/** One `File "...", line N` entry of a traceback, with the source and marker lines CPython printed under it. */
export interface TracebackFrame {
  file: string;
  line: number;
  /** Function name after ", in", or null for the location header of a SyntaxError. */
  functionName: string | null;
  /** Source line as printed, without the 4-space indent. CPython 3.11 strips the line's own indentation too. */
  printedLine: string | null;
  /** The `^` and `~` line under `printedLine`, aligned with it, or null when none was printed. */
  markerLine: string | null;
}

/** The last exception report found in a run's stderr. */
export interface ParsedTraceback {
  /** Class name without its module, such as "NameError" for "__main__.NameError". */
  errorType: string;
  /** Everything after "ErrorType: ", over several lines when the message has them. */
  message: string;
  frames: TracebackFrame[];
}

const TRACEBACK_START = /^Traceback \(most recent call last\):\s*$/;
const FRAME_LINE = /^\s*File "(.*)", line (\d+)(?:, in (.*))?\s*$/;
const SYNTAX_ERROR_HEADER = /^\s*File "(.*)", line (\d+)\s*$/;
const MARKER_LINE = /^\s*[\^~]+\s*$/;
const REPEAT_NOTE = /^\s*\[Previous line repeated \d+ more times?\]\s*$/;
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*)(?::(?: (.*))?)?$/;
const PRINTED_INDENT = '    ';

/**
 * Parses the last traceback, or syntax error report, in the stderr of a CPython 3.11 run.
 * Returns null when stderr contains neither, such as after a clean run or warnings only.
 * NOTE: an ExceptionGroup report, printed with `|` margins, is not parsed and gives null.
 */
export function parseTraceback(stderr: string): ParsedTraceback | null {
  const lines = stderr.replace(/\r\n?/g, '\n').split('\n');
  const start = findReportStart(lines);
  if (start === null) {
    return null;
  }
  return readReport(lines, start);
}

function findReportStart(lines: string[]): number | null {
  const tracebackStart = findLastIndex(lines, (line) => TRACEBACK_START.test(line));
  if (tracebackStart !== -1) {
    return tracebackStart + 1;
  }
  // A SyntaxError found before the program starts prints only a location header, with no "Traceback" line.
  const headerStart = findLastIndex(lines, (line) => SYNTAX_ERROR_HEADER.test(line));
  return headerStart === -1 ? null : headerStart;
}

function readReport(lines: string[], start: number): ParsedTraceback | null {
  const frames: TracebackFrame[] = [];
  let index = start;

  while (index < lines.length) {
    const line = lines[index]!;
    const frameMatch = FRAME_LINE.exec(line);
    if (frameMatch) {
      index = readFrame(lines, index, frameMatch, frames);
      continue;
    }
    if (REPEAT_NOTE.test(line) || line.startsWith(' ') || line.trim() === '') {
      index += 1;
      continue;
    }
    return readException(lines, index, frames);
  }
  return null;
}

function readFrame(lines: string[], index: number, match: RegExpExecArray, frames: TracebackFrame[]): number {
  const frame: TracebackFrame = {
    file: match[1]!,
    line: Number(match[2]),
    functionName: match[3] ?? null,
    printedLine: null,
    markerLine: null,
  };
  frames.push(frame);

  let next = index + 1;
  const candidate = lines[next];
  if (isPrintedSource(candidate)) {
    frame.printedLine = candidate.slice(PRINTED_INDENT.length);
    next += 1;
    const marker = lines[next];
    if (marker !== undefined && MARKER_LINE.test(marker)) {
      frame.markerLine = marker.slice(PRINTED_INDENT.length);
      next += 1;
    }
  }
  return next;
}

function isPrintedSource(line: string | undefined): line is string {
  if (line === undefined || !line.startsWith(PRINTED_INDENT)) {
    return false;
  }
  return !FRAME_LINE.test(line) && !MARKER_LINE.test(line) && !REPEAT_NOTE.test(line);
}

function readException(lines: string[], index: number, frames: TracebackFrame[]): ParsedTraceback | null {
  const match = EXCEPTION_LINE.exec(lines[index]!.trimEnd());
  if (!match) {
    return null;
  }
  const qualifiedType = match[1]!;
  const firstMessageLine = match[2] ?? '';
  const message = [firstMessageLine, ...lines.slice(index + 1)].join('\n').trim();

  return {
    errorType: qualifiedType.slice(qualifiedType.lastIndexOf('.') + 1),
    message,
    frames,
  };
}

function findLastIndex(lines: string[], predicate: (line: string) => boolean): number {
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    if (predicate(lines[index]!)) {
      return index;
    }
  }
  return -1;
}
