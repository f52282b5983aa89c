import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Ascii } from '../../src/auth/checksum.js';

describe('the API key checksum', () => {
  it('is zlib\'s CRC-32 on random ASCII', () => {
    expect(crc32Ascii('')).toBe(0);
    for (let i = 0; i < 2000; i++) {
      const text = randomBytes(i % 90).toString('base64');
      expect(crc32Ascii(text)).toBe(crc32(text));
    }
  });
});
