// Shared measuring helpers for the benchmarks: medians of whole processes run side by side,
// and of in-process loops. Nothing here asserts: benchmarks measure and report.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(root, 'bin/iamctl.js');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function tempDir(prefix = 'iamctl-bench-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Wall time of one process run, in ms. */
export function timeProcess(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['pipe', 'ignore', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * Runs each named command `rounds` times, interleaved (a, b, c, a, b, c, ...), so machine
 * noise falls on all of them alike; returns the median of each, in ms.
 */
export function sideBySide(commands, rounds = 25, warmup = 3) {
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < warmup + rounds; i++) {
    for (const [name, run] of Object.entries(commands)) {
      const ms = run();
      if (i >= warmup) times[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** Calls `fn` repeatedly for about `ms` milliseconds (after a warm-up); returns calls per second. */
export async function rate(fn, ms = 1500) {
  const warmupEnd = performance.now() + Math.min(300, ms / 5);
  while (performance.now() < warmupEnd) await fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) await fn();
    calls += 100;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

export const fmt = (n, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : String(n));

// The key format of SPEC §9, to mint valid keys in bulk without a transaction and an audit event
// per key (benchmarks check a sample against the library's own parser).
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function randomBase62(length) {
  let out = '';
  while (out.length < length) for (const b of randomBytes(length * 2)) if (b < 248 && out.length < length) out += base62[b % 62];
  return out;
}

/** A new valid key: { id, secret, key, hash (SHA-256 hex of the secret) }. */
export function mintKey() {
  const id = randomBase62(12);
  const secret = randomBase62(43);
  const body = `iak_${id}_${secret}`;
  let n = crc32(body);
  let sum = '';
  for (let i = 0; i < 6; i++, n = Math.floor(n / 62)) sum = base62[n % 62] + sum;
  return { id, secret, key: body + sum, hash: createHash('sha256').update(secret).digest('hex') };
}
