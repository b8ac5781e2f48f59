/** Validation of the `next` value that sign-in and sign-up redirect to; shared by the server and the browser code. */

const FALLBACK_PATH = '/learn';
const MAX_PATH_LENGTH = 2048;
const PLACEHOLDER_ORIGIN = 'http://placeholder.invalid';

/**
 * Returns `value` when it is a path on this site, else `/learn`.
 * Rejects `//host` and `/\host` (browsers read both as another host), backslashes,
 * whitespace and control characters (browsers strip tabs and newlines, so `/\t/host`
 * would become `//host`), and anything that parses to another origin.
 */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string') return FALLBACK_PATH;
  if (value.length === 0 || value.length > MAX_PATH_LENGTH) return FALLBACK_PATH;
  if (!value.startsWith('/')) return FALLBACK_PATH;
  if (value.startsWith('//')) return FALLBACK_PATH;
  if (value.includes('\\')) return FALLBACK_PATH;
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return FALLBACK_PATH;
  if (!staysOnOrigin(value)) return FALLBACK_PATH;
  return value;
}

function staysOnOrigin(path: string): boolean {
  try {
    return new URL(path, PLACEHOLDER_ORIGIN).origin === PLACEHOLDER_ORIGIN;
  } catch {
    return false;
  }
}
