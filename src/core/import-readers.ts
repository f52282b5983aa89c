// Reading an import file as a stream of records, whatever its format: CSV (csv-parse, header
// row first), a JSON array (split element by element, each parsed on its own), or NDJSON (one
// object a line). Memory stays flat in the number of records: one record at a time, each at
// most `maxRecordChars` long. Every record carries the line it starts on, for the report.
import type { Options as CsvOptions } from 'csv-parse';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { named } from '../util/interop.js';
import { readLines } from '../util/lines.js';
import { canonicalColumn, columnNames, isPasswordColumn, requiredColumns, type Column } from './import-rows.js';

export const importFormats = ['csv', 'json', 'ndjson'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** A record longer than this is refused (a 10 MB line is a broken file, not a user). */
export const maxRecordChars = 64 * 1024;

export type ReadItem =
  | { line: number; values: Record<string, unknown> }
  | { line: number; problem: { field: string | null; reason: string } };

/** A problem after which nothing in the file can be trusted: reading stops there. */
export class FatalFormatProblem extends Error {
  constructor(
    readonly line: number,
    readonly field: string | null,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The format from --format, else the file's extension, else its first characters. */
export function detectFormat(given: ImportFormat | undefined, fileName: string | null, firstText: string): ImportFormat {
  if (given) return given;
  const extension = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (extension === 'csv') return 'csv';
  if (extension === 'json') return 'json';
  if (extension === 'ndjson' || extension === 'jsonl') return 'ndjson';
  const start = firstText.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) return 'ndjson';
  return 'csv';
}

/**
 * Decoded text of a byte stream. A UTF-8 byte-order mark is stripped (`bom()` says whether
 * there was one); a UTF-16 one is refused: the file must be UTF-8.
 */
export function decodeText(stream: Readable): { chunks: AsyncGenerator<string>; bom: () => boolean } {
  let bom = false;
  async function* chunks(): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    let first = true;
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      let text = decoder.write(buffer);
      if (first) {
        first = false;
        if (buffer[0] === 0xff && buffer[1] === 0xfe) throw new FatalFormatProblem(1, null, 'the file is UTF-16: save it as UTF-8');
        if (buffer[0] === 0xfe && buffer[1] === 0xff) throw new FatalFormatProblem(1, null, 'the file is UTF-16: save it as UTF-8');
        if (text.startsWith('\uFEFF')) {
          bom = true;
          text = text.slice(1);
        }
      }
      if (text !== '') yield text;
    }
    const rest = decoder.end();
    if (rest !== '') yield rest;
  }
  return { chunks: chunks(), bom: () => bom };
}

export function readRecords(format: ImportFormat, chunks: AsyncIterable<string>): AsyncGenerator<ReadItem> {
  if (format === 'csv') return readCsv(chunks);
  if (format === 'json') return readJsonArray(chunks);
  return readNdjson(chunks);
}

async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<ReadItem> {
  const { parse } = named(await import('csv-parse'));
  let parsedThrough = 0;
  const options: CsvOptions = {
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n'],
    max_record_size: maxRecordChars,
    info: true,
    // Called as each record is parsed (before it is consumed), so an error knows where the
    // last good record ended even when records are still buffered.
    on_record: (record, context) => {
      parsedThrough = context.lines;
      return record;
    },
  };
  const parser = parse(options);
  ReadableStream.from(chunks).on('error', (error) => parser.destroy(error)).pipe(parser);
  let header: Column[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines - record.reduce((n, cell) => n + countNewlines(cell), 0);
      if (!header) {
        header = readHeader(record, line);
        continue;
      }
      if (record.length !== header.length) {
        yield { line, problem: { field: null, reason: columnCountReason(record, header) } };
        continue;
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = unescapeFormula(record[i]!);
      yield { line, values };
    }
  } catch (error) {
    throw csvProblem(error, parsedThrough);
  }
  if (!header) throw new FatalFormatProblem(1, null, `the file is empty: a CSV import starts with a header row (${columnNames.join(', ')})`);
}

/** Undoes the formula-injection guard of our own CSV output ('=..., '+..., '-..., '@...). */
function unescapeFormula(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function readHeader(cells: string[], line: number): Column[] {
  const columns = cells.map((cell) => canonicalColumn(cell));
  if (columns.every((c) => c === undefined) && cells.some((cell) => cell.includes('@'))) {
    throw new FatalFormatProblem(line, null, `missing header row: the first line must name the columns (${columnNames.join(', ')})`);
  }
  const seen = new Set<Column>();
  cells.forEach((cell, i) => {
    const column = columns[i];
    if (column === undefined) {
      if (isPasswordColumn(cell)) {
        throw new FatalFormatProblem(line, cell, 'plain-text passwords are never accepted in files: give passwordHash (argon2 or bcrypt), or leave it out to invite the users');
      }
      throw new FatalFormatProblem(line, cell, `unknown column ${JSON.stringify(cell)}: the columns are ${columnNames.join(', ')}`);
    }
    if (seen.has(column)) throw new FatalFormatProblem(line, cell, `column ${column} appears twice`);
    seen.add(column);
  });
  for (const required of requiredColumns) {
    if (!seen.has(required)) throw new FatalFormatProblem(line, required, `missing column ${required} in the header row`);
  }
  return columns as Column[];
}

function columnCountReason(record: string[], header: readonly string[]): string {
  const reason = `${record.length} fields, but the header has ${header.length} columns`;
  const unquotedArgon2 = record.length > header.length && record.some((cell) => cell.startsWith('$argon2'));
  return unquotedArgon2 ? `${reason} (an argon2 hash contains commas: quote it)` : reason;
}

/** A csv-parse error as a problem at the line where the failing record starts (or the error's line). */
function csvProblem(error: unknown, parsedThrough: number): unknown {
  if (error instanceof FatalFormatProblem) return error;
  const code = (error as { code?: string }).code;
  const start = parsedThrough + 1;
  const line = (error as { lines?: number }).lines ?? start;
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new FatalFormatProblem(start, null, 'a quoted field is never closed (unclosed quote)');
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new FatalFormatProblem(line, null, 'text after a closing quote: a quote inside a quoted field is written twice ("")');
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return new FatalFormatProblem(line, null, 'a quote inside an unquoted field: quote the whole field and double the quote ("")');
    case 'CSV_MAX_RECORD_SIZE':
      return new FatalFormatProblem(start, null, `a record longer than ${maxRecordChars / 1024} KiB: this is not a file of users`);
    default:
      return code?.startsWith('CSV_') ? new FatalFormatProblem(line, null, (error as Error).message) : error;
  }
}

async function* readNdjson(chunks: AsyncIterable<string>): AsyncGenerator<ReadItem> {
  for await (const { line, text, tooLong } of readLines(chunks, maxRecordChars)) {
    if (tooLong) {
      yield { line, problem: { field: null, reason: `a line longer than ${maxRecordChars / 1024} KiB: this is not a user` } };
      continue;
    }
    if (text.trim() === '') continue;
    yield parseObject(text, line);
  }
}

function parseObject(text: string, line: number): ReadItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, problem: { field: null, reason: `invalid JSON: ${(error as Error).message}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, problem: { field: null, reason: 'expected a JSON object (one user)' } };
  }
  return { line, values: value as Record<string, unknown> };
}

/**
 * A JSON array split into its elements without parsing the whole: a small scanner follows
 * strings and nesting depth and hands each top-level element to JSON.parse on its own.
 */
async function* readJsonArray(chunks: AsyncIterable<string>): AsyncGenerator<ReadItem> {
  let line = 1;
  let state: 'before' | 'array' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = '';
  let elementLine = 0;
  let elementTooLong = false;
  let elementStarted = false;
  const finishElement = (): ReadItem | null => {
    const item: ReadItem | null = !elementStarted
      ? null
      : elementTooLong || element.length > maxRecordChars
        ? { line: elementLine, problem: { field: null, reason: `an element longer than ${maxRecordChars / 1024} KiB: this is not a user` } }
        : parseObject(element, elementLine);
    element = '';
    elementStarted = false;
    elementTooLong = false;
    return item;
  };
  for await (const text of chunks) {
    let start = 0; // where the current element's text in this chunk begins
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      if (state === 'before') {
        if (c === 91 /* [ */) {
          state = 'array';
          start = i + 1;
        } else if (!isSpace(c)) throw new FatalFormatProblem(line, null, 'expected a JSON array of users ([{...}, ...])');
        continue;
      }
      if (state === 'after') {
        if (!isSpace(c)) throw new FatalFormatProblem(line, null, 'text after the end of the JSON array');
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
        continue;
      }
      if (!elementStarted && !isSpace(c) && c !== 44 && c !== 93) {
        elementStarted = true;
        elementLine = line;
        start = i;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (depth > 0) depth--;
        else if (c === 93) {
          // the closing bracket of the array
          if (elementStarted) element += text.slice(start, i);
          const item = finishElement();
          if (item) yield item;
          state = 'after';
          continue;
        }
      } else if (c === 44 /* , */ && depth === 0) {
        if (elementStarted) element += text.slice(start, i);
        const item = finishElement();
        if (item) yield item;
        else throw new FatalFormatProblem(line, null, 'an empty element in the JSON array (two commas)');
        start = i + 1;
      }
    }
    if (state === 'array' && elementStarted && !elementTooLong) {
      element += text.slice(start);
      if (element.length > maxRecordChars) {
        elementTooLong = true;
        element = '';
      }
    }
  }
  if (state === 'before') throw new FatalFormatProblem(line, null, 'the file is empty: expected a JSON array of users');
  if (state === 'array') throw new FatalFormatProblem(line, null, 'the JSON array is never closed (unexpected end of file)');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
