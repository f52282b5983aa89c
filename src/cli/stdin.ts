// Secrets from stdin, one line each, in the order SPEC §5 fixes: token, current password,
// password, code. The whole of stdin is read once; commands take lines in that order.
import type { Readable } from 'node:stream';
import { usageError } from '../core/errors.js';

const maxStdinBytes = 1024 * 1024;

export class StdinLines {
  #lines: Promise<string[]> | undefined;
  #next = 0;

  /** `stream` is called on the first read: building process.stdin costs start-up time. */
  constructor(private readonly stream: () => Readable) {}

  async #read(): Promise<string[]> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.stream()) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > maxStdinBytes) throw usageError('stdin is too large for a secret (over 1 MiB)');
      chunks.push(buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** The next line; `flag` names what was expected when stdin ran out. */
  async next(flag: string): Promise<string> {
    this.#lines ??= this.#read();
    const lines = await this.#lines;
    const line = lines[this.#next++];
    if (line === undefined || line === '') throw usageError(`${flag}: expected a line on stdin, found none`);
    if (line.includes('\0')) throw usageError(`${flag}: the line on stdin contains a NUL byte`);
    return line;
  }

  /** Everything left on stdin as one text (a document piped in, e.g. `--jwks-file -`). */
  async rest(flag: string): Promise<string> {
    this.#lines ??= this.#read();
    const lines = (await this.#lines).slice(this.#next);
    this.#next += lines.length;
    const text = lines.join('\n');
    if (text.trim() === '') throw usageError(`${flag}: expected a document on stdin, found none`);
    return text;
  }
}
