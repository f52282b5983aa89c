// Remembers which strings were seen (with a number each: where first seen) in memory that does
// not depend on their length: each string is kept as a 64-bit fingerprint (two 32-bit hashes
// under random seeds) in an open-addressing table of typed arrays, about 24 bytes a string at
// most (a million strings: ~24 MB). Two different strings share a fingerprint with probability
// about n²/2^65 (1e-8 for a million), and the seeds change every run.
import { randomInt } from 'node:crypto';

export class FingerprintSet {
  #hi: Uint32Array;
  #lo: Uint32Array;
  /** 0 = empty slot; values must be >= 1. */
  #values: Uint32Array;
  #size = 0;
  readonly #seedA = randomInt(2 ** 32 - 1) >>> 0;
  readonly #seedB = randomInt(2 ** 32 - 1) >>> 0;

  constructor(capacity = 1024) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, (capacity * 4) / 3)));
    this.#hi = new Uint32Array(slots);
    this.#lo = new Uint32Array(slots);
    this.#values = new Uint32Array(slots);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds `key` with `value` (>= 1); returns the value kept for an equal key added before, or undefined. */
  addOrGet(key: string, value: number): number | undefined {
    const [hi, lo] = this.#fingerprint(key);
    const found = this.#probe(hi, lo);
    if (this.#values[found] !== 0) return this.#values[found];
    this.#hi[found] = hi;
    this.#lo[found] = lo;
    this.#values[found] = value;
    if (++this.#size * 4 > this.#values.length * 3) this.#grow();
    return undefined;
  }

  #probe(hi: number, lo: number): number {
    const mask = this.#values.length - 1;
    let slot = (lo ^ hi) & mask;
    while (this.#values[slot] !== 0 && (this.#hi[slot] !== hi || this.#lo[slot] !== lo)) slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const [hi, lo, values] = [this.#hi, this.#lo, this.#values];
    this.#hi = new Uint32Array(hi.length * 2);
    this.#lo = new Uint32Array(hi.length * 2);
    this.#values = new Uint32Array(hi.length * 2);
    for (let i = 0; i < values.length; i++) {
      if (values[i] === 0) continue;
      const slot = this.#probe(hi[i]!, lo[i]!);
      this.#hi[slot] = hi[i]!;
      this.#lo[slot] = lo[i]!;
      this.#values[slot] = values[i]!;
    }
  }

  /** Two independent 32-bit hashes (FNV-1a variants with murmur3's finalizer). */
  #fingerprint(key: string): [number, number] {
    let a = this.#seedA ^ 0x811c9dc5;
    let b = this.#seedB ^ 0x01000193;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    return [mix(a ^ key.length), mix(b)];
  }
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
