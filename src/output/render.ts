// The one output layer: data to stdout as a table (boxed on a terminal, tab-separated off it),
// JSON, YAML or CSV; messages, warnings and errors to stderr, coloured only on a terminal.
import { AppError, usageError } from '../core/errors.js';
import type { IO } from '../cli/io.js';
import { named } from '../util/interop.js';
import { cell, jsonText, plainFields, tsvCell } from './cells.js';
import { csvLine } from './csv.js';

export { cell };

export type OutputFormat = 'table' | 'json' | 'yaml' | 'csv';

export interface Column<T> {
  key: string;
  header: string;
  get: (item: T) => unknown;
}

/** The styles output uses: chalk's, or plain text when colour is off. */
export interface Styles {
  readonly level: number;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

// What chalk at level 0 returns for one argument: the text, unstyled.
const unstyled = (text: string): string => '' + text;
const plain: Styles = { level: 0, bold: unstyled, dim: unstyled, red: unstyled, green: unstyled, yellow: unstyled };

let chalkClass: typeof import('chalk').Chalk | undefined;

/**
 * Loads chalk, which only coloured output needs (loading it costs every command a few
 * milliseconds: it probes the terminal and the environment). Call it before building a
 * Renderer whose output may be coloured.
 */
export async function prepareColour(): Promise<void> {
  chalkClass ??= (await import('chalk')).Chalk;
}

function styles(level: 0 | 1): Styles {
  if (level === 0) return plain;
  if (!chalkClass) throw new Error('coloured output without prepareColour()');
  return new chalkClass({ level });
}

export interface RenderOptions {
  format: OutputFormat;
  /** --columns a,b,c: which table/CSV columns, in that order. */
  columns?: string[] | undefined;
  color: boolean;
  quiet: boolean;
}

export class Renderer {
  readonly chalk: Styles;
  readonly #errChalk: Styles;

  constructor(
    readonly io: IO,
    readonly options: RenderOptions,
  ) {
    this.chalk = styles(options.color && io.stdoutIsTTY ? 1 : 0);
    this.#errChalk = styles(options.color ? 1 : 0);
  }

  get format(): OutputFormat {
    return this.options.format;
  }

  /** A list: a JSON array (or a page object), or rows of the chosen columns. */
  async list<T>(items: readonly T[], columns: readonly Column<T>[], page?: { nextCursor: string | null }): Promise<void> {
    const { format } = this.options;
    if (format === 'json' || format === 'yaml') {
      await this.data(page ? { items, nextCursor: page.nextCursor } : items);
      return;
    }
    const chosen = this.#chooseColumns(columns);
    const rows = items.map((item) => chosen.map((c) => cell(c.get(item))));
    if (format === 'csv') {
      this.#out([csvLine(chosen.map((c) => c.key)), ...rows.map(csvLine)].join('\n') + '\n');
    } else if (this.io.stdoutIsTTY) {
      if (rows.length === 0) this.say('(none)');
      else {
        const styled = rows.map((r) => r.map((value) => this.#forTerminal(value)));
        this.#out((await boxedTable(chosen.map((c) => this.chalk.bold(c.header)), styled)) + '\n');
      }
    } else {
      if (rows.length > 0) this.#out(rows.map((r) => r.map(tsvCell).join('\t')).join('\n') + '\n');
    }
    if (page?.nextCursor && format !== 'csv') this.say(`more: --cursor ${page.nextCursor}`);
  }

  /** One object: JSON/YAML as is; otherwise label/value lines. */
  async object(value: unknown, fields: readonly [label: string, value: unknown][]): Promise<void> {
    const { format } = this.options;
    if (format === 'json' || format === 'yaml') return this.data(value);
    if (format === 'csv') throw usageError('-o csv is only for lists');
    if (this.io.stdoutIsTTY) {
      const width = Math.max(...fields.map(([l]) => l.length));
      this.#out(fields.map(([l, v]) => `${this.chalk.bold(l.padEnd(width))}  ${this.#forTerminal(cell(v))}`).join('\n') + '\n');
    } else {
      this.#out(plainFields(fields));
    }
  }

  /** Raw data in the JSON or YAML format (also used for tables of nested data). */
  async data(value: unknown): Promise<void> {
    if (this.options.format === 'yaml') {
      const { stringify } = named(await import('yaml'));
      this.#out(stringify(value));
    } else {
      this.#out(jsonText(value));
    }
  }

  /** Plain text on stdout (a secret shown once, a generated script...). */
  text(value: string): void {
    this.#out(value.endsWith('\n') ? value : value + '\n');
  }

  /** An informational message on stderr (silenced by --quiet). */
  say(message: string): void {
    if (!this.options.quiet) this.io.stderr.write(message + '\n');
  }

  success(message: string): void {
    this.say(`${this.#errChalk.green('✓')} ${message}`);
  }

  warn(message: string): void {
    this.io.stderr.write(`${this.#errChalk.yellow('warning:')} ${message}\n`);
  }

  /** `error: <what> (<code>)` and a hint line; JSON on stderr with -o json. */
  error(error: AppError | { code: string; message: string; hint?: string | undefined }): void {
    if (this.options.format === 'json') {
      const body: Record<string, unknown> = { code: error.code, message: shorten(error.message) };
      if (error.hint) body.hint = shorten(error.hint);
      if (error instanceof AppError && error.data !== undefined) body.details = error.data;
      this.io.stderr.write(JSON.stringify({ error: body }) + '\n');
      return;
    }
    this.io.stderr.write(`${this.#errChalk.red('error:')} ${oneLine(error.message)} (${error.code})\n`);
    if (error.hint) this.io.stderr.write(`${this.#errChalk.dim('hint:')} ${oneLine(error.hint)}\n`);
  }

  /** At a terminal: timestamps to the minute, states in colour. Off it, values stay exact. */
  #forTerminal(value: string): string {
    if (isoTimestamp.test(value)) return `${value.slice(0, 10)} ${value.slice(11, 16)}`;
    const colour = stateColours[value];
    return colour ? this.chalk[colour](value) : value;
  }

  #chooseColumns<T>(columns: readonly Column<T>[]): Column<T>[] {
    const wanted = this.options.columns;
    if (!wanted || wanted.length === 0) return [...columns];
    return wanted.map((key) => {
      const column = columns.find((c) => c.key === key);
      if (!column) throw usageError(`unknown column "${key}"`, `columns: ${columns.map((c) => c.key).join(', ')}`);
      return column;
    });
  }

  #out(text: string): void {
    this.io.stdout.write(text);
  }
}

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const stateColours: Record<string, 'green' | 'yellow' | 'red' | 'dim'> = {
  active: 'green',
  pending: 'green',
  invited: 'yellow',
  inactive: 'yellow',
  expired: 'yellow',
  deleted: 'red',
  revoked: 'red',
  failure: 'red',
};

/**
 * Messages echo what was typed, which may be anything: line breaks become spaces, other control
 * and bidi characters are shown escaped (a typed ESC or OSC sequence must not drive the
 * terminal, nor a U+202E reorder the line), and a very long message keeps its start and end.
 */
function oneLine(text: string): string {
  return shorten(text.replace(/[\r\n]+/g, ' ')).replace(
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const maxMessage = 400;

/** At most `maxMessage` characters: the start and the end (where the reason usually is). */
function shorten(text: string): string {
  if (text.length <= maxMessage) return text;
  return `${text.slice(0, 200)}…(${text.length - 350} characters omitted)…${text.slice(-150)}`;
}

async function boxedTable(head: string[], rows: string[][]): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  table.push(...rows);
  return table.toString();
}
