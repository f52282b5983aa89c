// CRC-32 (ISO-HDLC, as zlib's) for the checksum inside API keys. It catches typos before any
// store access; it is not a security primitive (the secret's SHA-256, from node:crypto, is).
// Kept here rather than node:zlib so the `key verify` fast path does not load zlib; a test holds
// it to zlib's on random input.

const crcTable = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  crcTable[n] = c;
}

/** CRC-32 (ISO-HDLC, as zlib) of an ASCII string (key bodies are base62). */
export function crc32Ascii(text: string): number {
  let c = -1;
  for (let i = 0; i < text.length; i++) c = crcTable[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
