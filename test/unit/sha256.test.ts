import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Ascii, sha256HexJs } from '../../src/auth/sha256.js';

describe('the fast path\'s SHA-256 and CRC-32 agree with node', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('SHA-256 of %j (FIPS 180-4 vectors)', (text, hex) => {
    expect(sha256HexJs(text)).toBe(hex);
  });

  it('SHA-256 of every length across the block boundaries, and of random text', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect(sha256HexJs(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
    for (let i = 0; i < 2000; i++) {
      const text = randomBytes(i % 170).toString(i % 2 ? 'base64' : 'latin1');
      expect(sha256HexJs(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });

  it('CRC-32 of random ASCII', () => {
    expect(crc32Ascii('')).toBe(0);
    for (let i = 0; i < 2000; i++) {
      const text = randomBytes(i % 90).toString('base64');
      expect(crc32Ascii(text)).toBe(crc32(text));
    }
  });
});
