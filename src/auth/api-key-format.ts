// The API key format (SPEC §9): iak_<12-char id>_<43-char base62 secret><6-char base62 CRC32>.
// Making keys lives here; checking their shape (parseKey) lives with the other checks in
// key-check.ts, which the `key verify` fast path loads without node:crypto.
import { randomBytes } from 'node:crypto';
import { keyChecksum } from './key-check.js';
import { sha256Hex } from './tokens.js';

export { parseKey, type KeyParse } from './key-check.js';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform base62 from a CSPRNG: bytes of 248 and above are dropped (248 = 4 x 62), so no bias. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += base62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface GeneratedKey {
  id: string;
  /** The whole key: shown once, never stored. */
  key: string;
  /** SHA-256 (hex) of the secret part: what the store keeps. */
  secretHash: string;
  /** `iak_<id>_…<last 4>`: enough to recognise a key, useless to an attacker. */
  hint: string;
}

export function generateKey(id: string = randomBase62(12)): GeneratedKey {
  const secret = randomBase62(43);
  const body = `iak_${id}_${secret}`;
  const key = body + keyChecksum(body);
  return { id, key, secretHash: sha256Hex(secret), hint: keyHint(id, key) };
}

export function keyHint(id: string, key: string): string {
  return `iak_${id}_…${key.slice(-4)}`;
}

/** Whether a string has the shape of a whole key (a secret), whatever its checksum. */
export function looksLikeKey(value: string): boolean {
  return /^iak_[0-9A-Za-z]{12}_[0-9A-Za-z]{20,}/.test(value);
}
