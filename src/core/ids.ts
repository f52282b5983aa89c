// Random identifiers. Ids are never sequential: they leak no counts and cannot be guessed.
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lowercase

/** 16 characters of base32: 80 random bits. */
export function newId(): string {
  const bytes = randomBytes(16);
  let id = '';
  for (let i = 0; i < 16; i++) id += alphabet[bytes[i]! & 31];
  return id;
}
