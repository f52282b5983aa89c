// The API key format (SPEC §9): iak_<12-char id>_<43-char base62 secret><6-char base62 CRC32>.
// Pure functions with no store access and no heavy imports: the checksum is checked before
// any query, and the `key verify` fast path loads this without the query builder.
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { sha256Hex } from './tokens.js';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const keyPattern = /^iak_([0-9A-Za-z]{12})_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

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

function checksum(body: string): string {
  let n = crc32(body);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = base62[n % 62] + out;
    n = Math.floor(n / 62);
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
  const key = body + checksum(body);
  return { id, key, secretHash: sha256Hex(secret), hint: keyHint(id, key) };
}

export function keyHint(id: string, key: string): string {
  return `iak_${id}_…${key.slice(-4)}`;
}

export type KeyParse = { ok: true; id: string; secret: string } | { ok: false };

/** Shape and checksum only; no store access. */
export function parseKey(key: string): KeyParse {
  const match = keyPattern.exec(key);
  if (!match) return { ok: false };
  const [, id, secret, sum] = match as unknown as [string, string, string, string];
  if (checksum(`iak_${id}_${secret}`) !== sum) return { ok: false };
  return { ok: true, id, secret };
}

/** Whether a string has the shape of a whole key (a secret), whatever its checksum. */
export function looksLikeKey(value: string): boolean {
  return /^iak_[0-9A-Za-z]{12}_[0-9A-Za-z]{20,}/.test(value);
}
