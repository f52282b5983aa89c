// The process boundary for text: where data and messages go, and what is a terminal.
// Tests build one over buffers to see exactly what a command printed.
import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';

export interface IO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export function processIO(): IO {
  return {
    // process.stdin is built on first access (it loads stream machinery): only when read.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: isatty(0),
    stdoutIsTTY: isatty(1),
    stderrIsTTY: isatty(2),
    env: process.env,
  };
}

/** Colour only on a terminal, never with NO_COLOR or --no-color. */
export function colorEnabled(io: IO, noColorFlag: boolean): boolean {
  return io.stderrIsTTY && !noColorFlag && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
}
