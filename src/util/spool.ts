// A temporary file for data that must be read more than once or that holds secrets (an import
// read from stdin; the rows an import validated). It lives in a fresh 0700 folder as a 0600
// file that is unlinked as soon as it is open, so nothing is left behind, even when the process
// is killed; it is written and read back through the open descriptor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class Spool {
  #writer: fs.WriteStream | undefined;
  #bytes = 0;

  private constructor(readonly fd: number) {}

  static create(prefix = 'iamctl-spool-'): Spool {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.chmodSync(dir, 0o700);
    const file = path.join(dir, 'data');
    const fd = fs.openSync(file, 'wx+', 0o600);
    try {
      fs.unlinkSync(file);
      fs.rmdirSync(dir);
    } catch {
      // A platform that cannot unlink an open file: the folder stays until the OS cleans tmp.
    }
    return new Spool(fd);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#bytes;
  }

  /** Copies a whole stream into the spool. */
  async fill(source: Readable): Promise<void> {
    await pipeline(source, fs.createWriteStream('', { fd: this.fd, autoClose: false, start: 0 }));
    this.#bytes = fs.fstatSync(this.fd).size;
  }

  /** Appends text; resolves when the stream can take more (backpressure). */
  async write(text: string): Promise<void> {
    this.#writer ??= fs.createWriteStream('', { fd: this.fd, autoClose: false, start: this.#bytes });
    this.#bytes += Buffer.byteLength(text);
    if (!this.#writer.write(text)) await new Promise<void>((resolve) => this.#writer!.once('drain', resolve));
  }

  /** Flushes what write() buffered. */
  async finish(): Promise<void> {
    const writer = this.#writer;
    if (!writer) return;
    this.#writer = undefined;
    await new Promise<void>((resolve, reject) => writer.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }

  /** A new stream over the whole content (each call starts at the beginning). */
  open(): Readable {
    return fs.createReadStream('', { fd: this.fd, autoClose: false, start: 0 });
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
