/**
 * Messages between the backend and a Pyodide child process (child/main.mjs),
 * one JSON object per line. Every line from a child is validated here: a child
 * runs learner code, so anything it writes is untrusted.
 */

/** The limits a child enforces itself; the wall clock is enforced by the parent. */
export interface ChildLimits {
  cpuMs: number;
  memoryBytes: number;
  maxFileBytes: number;
  maxOutputBytes: number;
}

/** The one request line a child receives. */
export interface ChildRequest {
  code: string;
  stdin: string;
  limits: ChildLimits;
}

/** The limit at which a child stopped itself. */
export type ChildLimitName = 'cpu' | 'memory' | 'output';

export type ChildMessage =
  | { type: 'ready'; pythonVersion: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; bytes: Buffer }
  | { type: 'done'; exitCode: number; uncaught: string | null }
  | { type: 'limit'; limit: ChildLimitName }
  | { type: 'failed'; message: string };

const PYTHON_VERSION = /^\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,200}$/;
const MAX_FAILURE_MESSAGE_LENGTH = 2000;

/** Parses one line from a child; returns null for anything that is not a valid message. */
export function parseChildMessage(line: string): ChildMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;

  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return parseReady(message);
    case 'output':
      return parseOutput(message);
    case 'done':
      return parseDone(message);
    case 'limit':
      return parseLimit(message);
    case 'failed':
      return parseFailed(message);
    default:
      return null;
  }
}

function parseReady(message: Record<string, unknown>): ChildMessage | null {
  const version = message.pythonVersion;
  if (typeof version !== 'string' || !PYTHON_VERSION.test(version)) return null;
  return { type: 'ready', pythonVersion: version };
}

function parseOutput(message: Record<string, unknown>): ChildMessage | null {
  const { stream, data } = message;
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) return null;
  return { type: 'output', stream, bytes: Buffer.from(data, 'base64') };
}

function parseDone(message: Record<string, unknown>): ChildMessage | null {
  const { exitCode, uncaught } = message;
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) return null;
  if (uncaught !== null && (typeof uncaught !== 'string' || !PYTHON_NAME.test(uncaught))) return null;
  return { type: 'done', exitCode, uncaught };
}

function parseLimit(message: Record<string, unknown>): ChildMessage | null {
  const limit = message.limit;
  if (limit !== 'cpu' && limit !== 'memory' && limit !== 'output') return null;
  return { type: 'limit', limit };
}

function parseFailed(message: Record<string, unknown>): ChildMessage | null {
  if (typeof message.message !== 'string') return null;
  return { type: 'failed', message: message.message.slice(0, MAX_FAILURE_MESSAGE_LENGTH) };
}

/**
 * Splits a byte stream into lines, refusing any line longer than `maxLineBytes`
 * so a child that never writes a newline cannot grow the parent's memory.
 */
export class LineSplitter {
  readonly #maxLineBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Returns the complete lines in `chunk`, or null once a line is too long. */
  push(chunk: Buffer): string[] | null {
    const lines: string[] = [];
    let start = 0;

    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      if (this.#pendingBytes + newline - start > this.#maxLineBytes) return null;
      this.#pending.push(chunk.subarray(start, newline));
      lines.push(Buffer.concat(this.#pending).toString('utf8'));
      this.#pending = [];
      this.#pendingBytes = 0;
      start = newline + 1;
    }

    const rest = chunk.subarray(start);
    this.#pendingBytes += rest.length;
    if (this.#pendingBytes > this.#maxLineBytes) return null;
    if (rest.length > 0) this.#pending.push(Buffer.from(rest));
    return lines;
  }
}
