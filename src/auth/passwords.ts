// Passwords: the policy of SPEC §6 and argon2id hashing (SPEC §9). argon2 and the
// common-password list are loaded only on the paths that handle a password.
import { validationError } from '../core/errors.js';
import { named } from '../util/interop.js';

/** OWASP's minimum for argon2id; a test checks these stay at or above it. */
export const argon2Params = { type: 2 /* argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

let commonPasswords: Set<string> | undefined;

async function loadCommonPasswords(): Promise<Set<string>> {
  if (!commonPasswords) {
    const { dictionary } = named(await import('@zxcvbn-ts/language-common'));
    commonPasswords = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  }
  return commonPasswords;
}

/** Checks the policy; returns the NFKC-normalized password to hash. */
export async function checkPasswordPolicy(password: string, email: string | null): Promise<string> {
  const value = password.normalize('NFKC');
  const length = [...value].length;
  if (length < 8) throw validationError('password too short: it needs at least 8 characters');
  if (length > 256) throw validationError('password too long: it may have at most 256 characters');
  if (!/\p{Lu}/u.test(value) || !/\p{Ll}/u.test(value) || !/\p{Nd}/u.test(value)) {
    throw validationError('password too weak: it needs an uppercase letter, a lowercase letter and a digit');
  }
  if (/[\p{Cc}]/u.test(value)) throw validationError('password contains control characters');
  if (email && value.toLowerCase() === email.toLowerCase()) {
    throw validationError('password must not be the email address');
  }
  if ((await loadCommonPasswords()).has(value.toLowerCase())) {
    throw validationError('password is too common: choose one that is not on lists of common passwords');
  }
  return value;
}

export async function hashPassword(normalized: string): Promise<string> {
  const argon2 = await import('argon2');
  return argon2.hash(normalized, argon2Params);
}

// A real hash (same parameters) of a random value nobody knows, so that sign-ins for unknown
// emails, or users without a password, do the same argon2 work as a wrong password does.
// It is a constant so that no process pays for computing it first.
const dummyHash = '$argon2id$v=19$m=19456,p=1,t=2$fVFrsR1T8ZwuZRwGo5VruQ$TShVoUIrWEI8PIIZSanUhLtJXXg1BUOVilJ2AWT65B0';

export interface PasswordCheck {
  ok: boolean;
  /** A fresh hash when the stored one used other parameters (re-hash on sign-in). */
  rehash: string | null;
}

export async function verifyPassword(storedHash: string | null, password: string): Promise<PasswordCheck> {
  const normalized = password.normalize('NFKC');
  if (storedHash && bcryptPrefix.test(storedHash)) return verifyBcrypt(storedHash, password, normalized);
  const argon2 = await import('argon2');
  if (!storedHash || !storedHash.startsWith('$argon2')) {
    await argon2.verify(dummyHash, normalized);
    return { ok: false, rehash: null };
  }
  let ok = false;
  try {
    ok = await argon2.verify(storedHash, normalized);
  } catch {
    ok = false;
  }
  const rehash = ok && argon2.needsRehash(storedHash, argon2Params) ? await argon2.hash(normalized, argon2Params) : null;
  return { ok, rehash };
}

const bcryptPrefix = /^\$2[aby]\$/;

/**
 * bcrypt hashes come only from `user import` (users moved in from another system). The other
 * system hashed the password as typed, so that is tried first, then its NFKC form. Once it
 * verifies, the hash is replaced by argon2id (login stores `rehash`), so a bcrypt hash is
 * used at most once per user.
 */
async function verifyBcrypt(storedHash: string, password: string, normalized: string): Promise<PasswordCheck> {
  const bcrypt = named(await import('bcryptjs'));
  let ok = false;
  try {
    ok = (await bcrypt.compare(password, storedHash)) || (normalized !== password && (await bcrypt.compare(normalized, storedHash)));
  } catch {
    ok = false;
  }
  return { ok, rehash: ok ? await hashPassword(normalized) : null };
}
