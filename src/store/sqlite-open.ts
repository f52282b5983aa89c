// Opens an SQLite store file with the pragmas every connection needs. No query builder here:
// the `key verify` fast path opens the store through this alone.
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../core/errors.js';

export const defaultBusyTimeoutMs = 15000;

/** What every connection to a store sets, whichever driver opens it. */
export function connectionPragmas(busyTimeoutMs = defaultBusyTimeoutMs): string[] {
  return [
    // The first pragma reads the header: a file that is not SQLite fails here, not later.
    'journal_mode = WAL',
    `busy_timeout = ${busyTimeoutMs}`,
    'foreign_keys = ON',
    'synchronous = FULL',
    // Purged personal data is overwritten, not left in free pages.
    'secure_delete = ON',
    // Up to 32 MB of page cache (allocated as pages are read; the default is 2 MB): the key
    // lookup probes the small users/settings/roles tables on every call, and with the default a
    // large api_keys table keeps evicting them (measured: ~0.4x of a bare lookup without, ~0.6x with).
    'cache_size = -32000',
  ];
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** An existing store file, opened with WAL, busy_timeout, foreign keys, FULL sync and secure delete. */
export async function openSqliteFile(absolute: string, busyTimeoutMs = defaultBusyTimeoutMs): Promise<BetterSqlite3.Database> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  let raw: BetterSqlite3.Database | undefined;
  try {
    raw = new SqliteDatabase(absolute, { fileMustExist: true });
    for (const pragma of connectionPragmas(busyTimeoutMs)) raw.pragma(pragma);
    return raw;
  } catch (error) {
    raw?.close();
    throw new AppError('store_unavailable', `cannot open store ${absolute}: ${describeSqliteError(error)}`, {
      hint: 'check that --db points at an iamctl store (SQLite file) and that it is readable',
      cause: error,
    });
  }
}

function describeSqliteError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return 'the file is not an SQLite database (or it is corrupt)';
  if (code === 'SQLITE_CANTOPEN') return 'the file cannot be opened';
  if (code === 'SQLITE_READONLY') return 'the file is read-only';
  return (error as Error).message;
}
