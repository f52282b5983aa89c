import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/sha256.js';

const reference = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches node:crypto at every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 300; length++) {
      const text = randomBytes(length).toString('base64').slice(0, length);
      expect(sha256Hex(text), `length ${length}`).toBe(reference(text));
    }
  });

  it('hashes the UTF-8 bytes of non-ASCII text, and long inputs', () => {
    for (const text of ['é', 'Ünïcödé ✓', '日本語のテキスト', '🔑🗝️', 'a\u0000b', 'x'.repeat(100_000)]) {
      expect(sha256Hex(text)).toBe(reference(text));
    }
  });

  it('matches node:crypto on tokens like the ones it hashes', () => {
    for (let i = 0; i < 200; i++) {
      const token = randomBytes(32).toString('base64url');
      expect(sha256Hex(token)).toBe(reference(token));
    }
  });
});
