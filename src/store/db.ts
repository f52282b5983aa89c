// Opens the store: SQLite (better-sqlite3) by default, PostgreSQL (pg) for a postgres:// URL.
// Both drivers are imported only here and only for the dialect in use.
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { AppError } from '../core/errors.js';
import type { Database } from './schema.js';
import { StoreSqliteDialect, withStatementCache } from './sqlite-dialect.js';
import { isPostgresUrl, openSqliteFile } from './sqlite-open.js';

export { isPostgresUrl };
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool as PgPool } from 'pg';

export type Dialect = 'sqlite' | 'postgres';
export type Trx = Transaction<Database>;
export type Db = Kysely<Database>;

export interface Store {
  readonly db: Db;
  readonly dialect: Dialect;
  /** Key of this store in the context file: `sqlite:<real path>` or a URL without password. */
  readonly key: string;
  /** Where the store is, for people (passwords redacted). */
  readonly location: string;
  /** The raw SQLite handle, for hot paths and backups; undefined on PostgreSQL. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  /** The PostgreSQL pool, for hot paths that use named (prepared) statements; undefined on SQLite. */
  readonly pgPool: PgPool | undefined;
  /** One write transaction (IMMEDIATE on SQLite). */
  write<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** One consistent read (a snapshot across several queries). */
  read<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Create the SQLite file (and its folder under IAMCTL_HOME) when missing. */
  create?: boolean;
  /** Milliseconds to wait for another writer (SQLite busy_timeout). */
  busyTimeoutMs?: number;
}

/** A PostgreSQL URL without its password, for the context file and for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    const auth = u.username ? `${u.username}@` : '';
    const port = u.port || '5432';
    return `${u.protocol}//${auth}${u.hostname}:${port}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * Opens a store: an SQLite file (which must exist unless `create` is set) or a `postgres://`
 * URL. Check it with `assertSchemaCurrent` before use and `close()` it when done.
 * Throws an AppError `store_unavailable` (cannot open or reach it) or `not_initialized`.
 */
export async function openStore(location: string, options: OpenOptions = {}): Promise<Store> {
  return isPostgresUrl(location) ? openPostgres(location) : openSqlite(location, options);
}

async function openSqlite(file: string, options: OpenOptions): Promise<Store> {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  if (!fs.existsSync(dir)) {
    throw new AppError('store_unavailable', `cannot open store ${absolute}: folder ${dir} does not exist`, {
      hint: 'create the folder, or point --db at an existing one',
    });
  }
  const exists = fs.existsSync(absolute);
  if (!exists && !options.create) {
    throw new AppError('not_initialized', `no store at ${absolute}`, {
      hint: 'run `iamctl init` to create one, or point --db / IAMCTL_DB at an existing store',
    });
  }
  if (!exists) fs.writeFileSync(absolute, '', { mode: 0o600, flag: 'wx' });

  const raw = await openSqliteFile(absolute, options.busyTimeoutMs);
  const real = fs.realpathSync(absolute);
  const db = new Kysely<Database>({ dialect: new StoreSqliteDialect({ database: withStatementCache(raw) }) });
  return {
    db,
    dialect: 'sqlite',
    key: `sqlite:${real}`,
    location: real,
    sqlite: raw,
    pgPool: undefined,
    write: (fn) => db.transaction().execute(fn),
    read: (fn) => db.transaction().setAccessMode('read only').execute(fn),
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string): Promise<Store> {
  const { default: pg } = await import('pg');
  const redacted = redactUrl(url);
  // bigint (int8) and numeric counts as numbers: every value we keep fits in 2^53.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10000, types });
  pool.on('error', () => {
    /* an idle client lost its connection; the next query reports it */
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new AppError('store_unavailable', `cannot reach PostgreSQL at ${describeTarget(url)}: ${describePgError(error)}`, {
      hint: 'check the URL given with --db / IAMCTL_DB, that the server runs, and the credentials (PGPASSWORD or ~/.pgpass)',
      cause: error,
    });
  }
  return {
    db,
    dialect: 'postgres',
    key: redacted,
    location: redacted,
    sqlite: undefined,
    pgPool: pool,
    write: (fn) => db.transaction().execute(fn),
    read: (fn) => db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn),
    close: () => db.destroy(),
  };
}

function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return redactUrl(url);
  }
}

function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND') return 'host not found';
  if (e.code === 'ETIMEDOUT') return 'connection timed out';
  if (e.code === '28P01' || e.code === '28000') return 'authentication failed';
  if (e.code === '3D000') return 'database does not exist';
  return e.message ?? String(error);
}

/** A unique or primary-key violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** A foreign-key violation, on either dialect. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
