import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ContentError } from './errors.js';
import { JsonNode } from './json-node.js';

/** Example, starter and solution code must be shorter than this many characters. */
export const MAX_CODE_LENGTH = 10_000;

/** Absolute location of a content file and the short form that error messages show. */
export interface ContentFile {
  absolutePath: string;
  /** Path starting at the content folder's own name, such as `content/plans.json`. */
  displayPath: string;
}

/** Names a file inside the content folder. `segments` are relative to `contentDir`. */
export function contentFile(contentDir: string, ...segments: string[]): ContentFile {
  const absolutePath = path.join(contentDir, ...segments);
  const displayPath = [path.basename(path.resolve(contentDir)), ...segments].join('/');
  return { absolutePath, displayPath };
}

/** Reads a UTF-8 text file with its line endings turned into `\n`, failing with a ContentError when it is missing. */
export async function readText(file: ContentFile): Promise<string> {
  let raw: string;
  try {
    raw = await readFile(file.absolutePath, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) throw new ContentError(file.displayPath, null, 'file is missing');
    throw error;
  }
  // Editors on Windows save CRLF and sometimes a byte order mark, but code and checks expect plain `\n`.
  return raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Reads and parses a JSON file into a JsonNode at its root. */
export async function readJson(file: ContentFile): Promise<JsonNode> {
  const text = await readText(file);
  try {
    return new JsonNode(file.displayPath, '', JSON.parse(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContentError(file.displayPath, null, `is not valid JSON (${reason})`);
  }
}

/** Reads a Python file and checks its length. `allowEmpty` permits starter code for tasks that learners write from scratch. */
export async function readCode(file: ContentFile, allowEmpty: boolean): Promise<string> {
  const code = await readText(file);
  if (!allowEmpty && code.trim() === '') {
    throw new ContentError(file.displayPath, null, 'code must not be empty');
  }
  if (code.length >= MAX_CODE_LENGTH) {
    throw new ContentError(
      file.displayPath,
      null,
      `code must be shorter than ${MAX_CODE_LENGTH} characters (found ${code.length})`,
    );
  }
  return code;
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
