/** Validation of the `next` value that sign-in and sign-up redirect to; shared by the server and the browser code. */

const FALLBACK_PATH = '/learn';
const MAX_PATH_LENGTH = 2048;
const PLACEHOLDER_ORIGIN = 'http://placeholder.invalid';

/**
 * Returns `value` when it is a path on this site, else `/learn`.
 * Rejects `//host` and `/\host`, because browsers read both as another host, and any other backslash.
 * Rejects characters outside printable ASCII. Browsers strip tabs and newlines, so `/\t/host`
 * would become `//host`, and Node rejects most other characters in a Location header.
 * Rejects anything that parses to another origin. Percent-encoded paths pass unchanged.
 */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string') return FALLBACK_PATH;
  if (value.length === 0 || value.length > MAX_PATH_LENGTH) return FALLBACK_PATH;
  if (!value.startsWith('/')) return FALLBACK_PATH;
  if (value.startsWith('//')) return FALLBACK_PATH;
  if (value.includes('\\')) return FALLBACK_PATH;
  if (/[^\x21-\x7e]/.test(value)) return FALLBACK_PATH;
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
