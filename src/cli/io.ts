// The process boundary for text: where data and messages go, and what is a terminal.
// Tests build one over buffers to see exactly what a command printed.
import type { Readable, Writable } from 'node:stream';

const fs = process.getBuiltinModule('node:fs');

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
    // process.stdin/stdout/stderr are built on first access (they load stream machinery, and
    // for a pipe the net module): only when used. A command that prints nothing on stderr
    // never builds process.stderr.
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    stdinIsTTY: isTerminal(0),
    stdoutIsTTY: isTerminal(1),
    stderrIsTTY: isTerminal(2),
    env: process.env,
  };
}

/**
 * isatty(fd), without loading node:tty (which loads net and the stream machinery) for what
 * cannot be a terminal: pipes and files (not character devices), and /dev/null.
 */
function isTerminal(fd: number): boolean {
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === devNull()) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}

let devNullRdev: number | null | undefined;
function devNull(): number | null {
  if (devNullRdev === undefined) {
    try {
      devNullRdev = fs.statSync('/dev/null').rdev;
    } catch {
      devNullRdev = null;
    }
  }
  return devNullRdev;
}

/** Colour only on a terminal, never with NO_COLOR or --no-color. */
export function colorEnabled(io: IO, noColorFlag: boolean): boolean {
  return io.stderrIsTTY && !noColorFlag && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
}
