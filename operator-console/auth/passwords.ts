import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 8;
const COST = 10;
// Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** bcrypt hash of a password (cost 10). */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** True when `password` matches `hash`; with no hash, spends the same time and returns false. */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? (await (dummyHash ??= bcrypt.hash('parley-no-such-operator', COST))));
  return ok && hash !== undefined;
}

/**
 * A random password for a generated account: 20 URL-safe characters (about 119 bits), starting
 * with a letter or digit so it is never mistaken for an option (`--password -x...`) when pasted
 * into a command line.
 */
export function generatePassword(): string {
  for (;;) {
    const password = randomBytes(15).toString('base64url');
    if (/^[A-Za-z0-9]/.test(password)) return password;
  }
}
