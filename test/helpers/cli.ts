// Runs the built CLI as a user would: a real process (execa), no TTY, its own IAMCTL_HOME.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const binPath = path.resolve(import.meta.dirname, '../../bin/iamctl.js');
export const adminEmail = 'root@example.com';
export const adminPassword = 'Sup3r-Secret-Root';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Cli {
  home: string;
  env: Record<string, string>;
  /** The store this CLI uses: an SQLite path or a PostgreSQL URL (pass it to cli({ db }) for another shell). */
  readonly db: string;
  dialect: 'sqlite' | 'postgres';
  /** SQL straight on the store (for setting up states and tampering); `?` placeholders on both dialects. */
  sql<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  run(args: readonly string[], options?: { input?: string; env?: Record<string, string | undefined> }): Promise<CliResult>;
  /** Runs and parses stdout as JSON (adds -o json). */
  json<T = any>(args: readonly string[], options?: { input?: string; env?: Record<string, string | undefined> }): Promise<T>;
  /** The SQLite file (SQLite stores only). */
  dbPath: string;
}

/**
 * The end-to-end suite runs once on SQLite and, in the `postgres` vitest project, once more on
 * PostgreSQL: there every cli() without an explicit store gets a fresh database of its own.
 */
export const e2eOnPostgres = process.env.IAMCTL_TEST_E2E_DIALECT === 'postgres';

export function tempHome(prefix = 'iamctl-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A CLI bound to a fresh IAMCTL_HOME (and, optionally, a store URL). */
export function cli(options: { home?: string; db?: string } = {}): Cli {
  const home = options.home ?? tempHome();
  const env: Record<string, string> = { IAMCTL_HOME: home, NO_COLOR: '1' };
  // SQLite stores stay at the default place ($IAMCTL_HOME/iamctl.db) unless told otherwise.
  let db = options.db ?? (e2eOnPostgres ? undefined : path.join(home, 'iamctl.db'));
  if (options.db) env.IAMCTL_DB = options.db;
  let ready: Promise<void> | undefined;
  const ensureStore = () =>
    (ready ??= (async () => {
      if (db) return;
      const { scratchPgDatabase } = await import('./store.js');
      db = await scratchPgDatabase();
      env.IAMCTL_DB = db;
    })());
  const self: Cli = {
    home,
    env,
    get db() {
      if (!db) throw new Error('the store is created by the first run()');
      return db;
    },
    dialect: /^postgres/.test(options.db ?? '') || (!options.db && e2eOnPostgres) ? 'postgres' : 'sqlite',
    dbPath: path.join(home, 'iamctl.db'),
    async sql(text, params = []) {
      await ensureStore();
      return runSql(db!, text, params) as never;
    },
    async run(args, runOptions = {}) {
      await ensureStore();
      const result = await execa(process.execPath, [binPath, ...args], {
        reject: false,
        input: runOptions.input ?? '',
        env: { ...env, ...runOptions.env },
        extendEnv: true,
        stripFinalNewline: false,
        timeout: 60_000,
      });
      return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
    async json(args, runOptions) {
      const result = await self.run([...args, '-o', 'json'], runOptions);
      if (result.exitCode !== 0) {
        throw new Error(`iamctl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout);
    },
  };
  return self;
}

/** A CLI on an initialized store, signed in as the first super admin. */
export async function initializedCli(options: { home?: string; db?: string } = {}): Promise<Cli> {
  const c = cli(options);
  const result = await c.run(['init', '--admin-email', adminEmail, '--admin-first-name', 'Root', '--admin-password-stdin'], {
    input: `${adminPassword}\n`,
  });
  if (result.exitCode !== 0) throw new Error(`init failed: ${result.stderr}`);
  return c;
}

/** Signs in as someone else (in the same home, i.e. the same context file). */
export async function login(c: Cli, email: string, password: string): Promise<CliResult> {
  return c.run(['login', '--email', email, '--password-stdin'], { input: `${password}\n` });
}

/** Asserts the shape every failing command must have: the code, one error line (+ hint), no data. */
export function expectFailure(result: CliResult, exitCode: number, pattern?: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  const problems: string[] = [];
  if (result.exitCode !== exitCode) problems.push(`exit ${result.exitCode}, expected ${exitCode}`);
  if (!/^error: .+ \([a-z_]+\)$/.test(lines[0] ?? '')) problems.push(`first stderr line is not an error line: ${lines[0]}`);
  if (lines.length > 2 || (lines[1] !== undefined && !lines[1].startsWith('hint: '))) problems.push('more than an error and a hint line');
  if (result.stdout !== '') problems.push(`stdout not empty: ${result.stdout.slice(0, 200)}`);
  if (pattern && !pattern.test(result.stderr)) problems.push(`stderr does not match ${pattern}`);
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\nstderr: ${result.stderr}`);
}

/** Splits on semicolons outside quotes. */
function statementsOf(text: string): string[] {
  return text.split(/;\s*(?=(?:[^']*'[^']*')*[^']*$)/).filter((x) => x.trim() !== '');
}

/** Portable SQL on either dialect: `?` placeholders (one statement when there are params); returns the last rows. */
async function runSql(store: string, text: string, params: readonly unknown[]): Promise<unknown[]> {
  const statements = statementsOf(text);
  if (params.length > 0 && statements.length !== 1) throw new Error('sql(): parameters need exactly one statement');
  let rows: unknown[] = [];
  if (/^postgres/.test(store)) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: store });
    await client.connect();
    try {
      for (const statement of statements) {
        let n = 0;
        rows = (await client.query(statement.replace(/\?/g, () => `$${++n}`), [...params])).rows;
      }
    } finally {
      await client.end();
    }
    return rows;
  }
  const { default: Database } = await import('better-sqlite3');
  const sqlite = new Database(store);
  try {
    for (const statement of statements) {
      const prepared = sqlite.prepare(statement);
      if (prepared.reader) rows = prepared.all(...params);
      else {
        prepared.run(...params);
        rows = [];
      }
    }
  } finally {
    sqlite.close();
  }
  return rows;
}
