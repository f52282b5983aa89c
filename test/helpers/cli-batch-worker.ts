// A child process that runs many iamctl command lines one after another through the CLI's own
// `run` (parse, guard, store opened and closed per command, handler, error mapping), so load
// tests can issue hundreds of commands per process without paying a process start for each.
// Input: a JSON file (argv[2]) of { argv: string[]; input?: string }[]. Output (stdout): JSON
// [{ exitCode, stdout, stderr }] in the same order. Built by test/helpers/cli-batch.ts.
import fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { run } from '../../src/cli/run.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += String(chunk);
    callback();
  }
}

process.umask(0o077);
const lines = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as { argv: string[]; input?: string }[];
const results: { exitCode: number; stdout: string; stderr: string }[] = [];
for (const line of lines) {
  const stdout = new Sink();
  const stderr = new Sink();
  const exitCode = await run(line.argv, {
    stdin: Readable.from(line.input === undefined ? [] : [Buffer.from(line.input)]),
    stdout,
    stderr,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: process.env,
  });
  results.push({ exitCode, stdout: stdout.text, stderr: stderr.text });
}
process.stdout.write(JSON.stringify(results));
