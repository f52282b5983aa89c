// Records streamed to stdout as CSV, a JSON array or NDJSON, one at a time, waiting whenever
// the reader is slower than we are (so an export of a million rows holds one row in memory).
import type { Writable } from 'node:stream';
import { csvLine } from './csv.js';

export type StreamFormat = 'csv' | 'json' | 'ndjson';

export class RecordWriter<T extends object> {
  #count = 0;

  constructor(
    private readonly out: Writable,
    private readonly format: StreamFormat,
    /** CSV columns: header and how each cell is read (lists are joined with `;`). */
    private readonly columns: readonly { key: string; get: (record: T) => unknown }[],
  ) {}

  get count(): number {
    return this.#count;
  }

  async write(record: T): Promise<void> {
    let text: string;
    if (this.format === 'csv') {
      text = `${this.#count === 0 ? `${csvLine(this.columns.map((c) => c.key))}\n` : ''}${csvLine(this.columns.map((c) => csvValue(c.get(record))))}\n`;
    } else if (this.format === 'json') {
      text = `${this.#count === 0 ? '[\n' : ',\n'}${JSON.stringify(record)}`;
    } else {
      text = `${JSON.stringify(record)}\n`;
    }
    this.#count++;
    await this.#emit(text);
  }

  /** Closes the document: the header alone for an empty CSV, `[]` for an empty JSON array. */
  async end(): Promise<void> {
    if (this.format === 'csv' && this.#count === 0) await this.#emit(`${csvLine(this.columns.map((c) => c.key))}\n`);
    if (this.format === 'json') await this.#emit(this.#count === 0 ? '[]\n' : '\n]\n');
  }

  async #emit(text: string): Promise<void> {
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
