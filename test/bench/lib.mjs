// Shared measuring helpers for the benchmarks: medians of whole processes run side by side,
// and of in-process loops. Nothing here asserts: benchmarks measure and report.
import { spawnSync } from 'node:child_process';
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
