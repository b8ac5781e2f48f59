/** Small typed readers for environment variables; each error names the variable and the fix. */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/** Returns the trimmed value, or undefined when unset or empty. */
export function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads a whole number within [min, max], or the fallback when unset. */
export function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  if (!/^-?\d+$/.test(raw)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a whole number; set it to a value from ${min} to ${max}.`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name}=${raw} is out of range; set it to a value from ${min} to ${max}.`);
  }
  return value;
}

/** Reads one of the allowed words, or the fallback when unset. */
export function readChoice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid; use one of: ${allowed.join(', ')}.`);
  }
  return raw as T;
}

/** Reads an absolute URL with one of the given protocols, or undefined when unset. */
export function readUrl(env: Env, name: string, protocols: readonly string[]): URL | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL; expected something like ${protocols[0]}//host:port.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, not ${url.protocol}.`);
  }
  return url;
}

/** Reads a boolean written as true/false/1/0, or the fallback when unset. */
export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a boolean; use true or false.`);
}

/** Minimum length, in bytes of entropy, for the shared secret between the web app and the sandbox. */
export const MIN_SECRET_BYTES = 32;

/**
 * Checks that a shared secret carries at least 32 bytes: 64 hex digits, or 43
 * base64/base64url characters, or 32 characters of anything else, with at least
 * eight distinct characters.
 */
export function isStrongSecret(secret: string): boolean {
  // A long run of one repeated character is long but guessable.
  if (new Set(secret).size < 8) return false;
  if (/^[0-9a-f]+$/i.test(secret)) return secret.length >= MIN_SECRET_BYTES * 2;
  if (/^[A-Za-z0-9+/_-]+=*$/.test(secret)) return secret.length >= Math.ceil((MIN_SECRET_BYTES * 4) / 3);
  return secret.length >= MIN_SECRET_BYTES;
}
