import { hash, verify, Algorithm } from '@node-rs/argon2';

/**
 * Argon2id with 19 MiB memory, 2 passes and 1 lane: OWASP's Password Storage
 * Cheat Sheet lists this as a minimum configuration for Argon2id.
 */
const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hash of a random password, checked against when the email is unknown so both paths cost the same time. */
let dummyHashPromise: Promise<string> | null = null;

/** Hashes a password with Argon2id; the result embeds its own salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** Checks a password against a stored hash; false for a malformed hash rather than an exception. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Spends the time of one verification without a real account, so unknown emails are not revealed by timing. */
export async function verifyAgainstDummyHash(password: string): Promise<void> {
  dummyHashPromise ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  await verifyPassword(await dummyHashPromise, password);
}
