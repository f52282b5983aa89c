// Opaque bearer tokens (sessions, invitations): 256 random bits, stored only as SHA-256.
// node:crypto is loaded only to make or compare tokens: hashing one, which every signed-in
// command does, needs none of it (see ../util/sha256.ts).
const crypto = () => process.getBuiltinModule('node:crypto');

export { sha256Hex } from '../util/sha256.js';

export function newToken(): string {
  return crypto().randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto().timingSafeEqual(x, y);
}
