// `db backup` for SQLite: VACUUM INTO writes a consistent copy from one read transaction, so
// other processes keep writing meanwhile (WAL) and the copy never restarts (the online backup
// API starts over whenever another connection writes). The copy is created owner-only, checked
// with quick_check, and removed again if anything fails.
import fs from 'node:fs';
import type { Store } from './db.js';

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
}

export async function backupSqlite(store: Store, target: string): Promise<BackupResult> {
  const raw = store.sqlite;
  if (!raw) throw new Error('backupSqlite needs an SQLite store');
  const started = performance.now();
  // VACUUM INTO accepts an empty existing file: creating it first fixes its mode (0600) and
  // refuses to overwrite anything.
  fs.writeFileSync(target, '', { mode: 0o600, flag: 'wx' });
  try {
    raw.prepare('vacuum into ?').run(target);
    fs.chmodSync(target, 0o600);
    const { default: SqliteDatabase } = await import('better-sqlite3');
    const copy = new SqliteDatabase(target, { readonly: true, fileMustExist: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
  } catch (error) {
    fs.rmSync(target, { force: true });
    throw error;
  }
  return { file: target, bytes: fs.statSync(target).size, ms: Math.round(performance.now() - started) };
}
