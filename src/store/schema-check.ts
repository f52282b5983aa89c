// The check every command makes before touching the store: the applied migrations against the
// names this build knows (src/store/schema-version.ts). It compares names only, so it loads
// neither the migration modules nor Kysely's Migrator (src/store/migrate.ts applies them).
import { sql, type Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import type { Store } from './db.js';
import { knownMigrationNames } from './schema-version.js';

export interface SchemaStatus {
  /** Number of applied migrations this build knows (0 for an empty store). */
  version: number;
  latest: number;
  applied: string[];
  pending: string[];
  /** Applied migrations this build does not know: the store is newer than the tool. */
  unknown: string[];
}

async function appliedMigrations(store: Store): Promise<string[]> {
  const db = store.db as unknown as Kysely<any>;
  const exists =
    store.dialect === 'sqlite'
      ? await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)
      : await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = current_schema() and tablename = 'kysely_migration'`.execute(db);
  if (Number(exists.rows[0]?.n ?? 0) === 0) return [];
  const rows = await db.selectFrom('kysely_migration').select('name').orderBy('name').execute();
  return rows.map((r: { name: string }) => r.name);
}

export async function schemaStatus(store: Store): Promise<SchemaStatus> {
  return classifySchema(await appliedMigrations(store), knownMigrationNames);
}

/** Pure: how the applied migrations of a store compare with the ones a build knows. */
export function classifySchema(applied: readonly string[], knownNames: readonly string[]): SchemaStatus {
  const known = new Set(knownNames);
  const unknown = applied.filter((name) => !known.has(name));
  const done = new Set(applied);
  return {
    version: applied.filter((name) => known.has(name)).length + unknown.length,
    latest: knownNames.length,
    applied: [...applied],
    pending: knownNames.filter((name) => !done.has(name)),
    unknown,
  };
}

export function tooNew(status: SchemaStatus): AppError {
  return new AppError(
    'schema_too_new',
    `the store's schema (version ${status.version}) is newer than this iamctl knows (version ${status.latest})`,
    { hint: 'upgrade iamctl to work with this store' },
  );
}

/** Refuses to work on a store without the schema this build expects, naming the fix. */
export async function assertSchemaCurrent(store: Store): Promise<void> {
  const problem = schemaProblem(await schemaStatus(store), store.location);
  if (problem) throw problem;
}

/** Pure: the error for a store whose schema this build cannot work with, or null. */
export function schemaProblem(status: SchemaStatus, location: string): AppError | null {
  if (status.unknown.length > 0) return tooNew(status);
  if (status.applied.length === 0) {
    return new AppError('not_initialized', `the store at ${location} has no schema`, {
      hint: 'run `iamctl init` to set it up (or `iamctl db migrate` to create only the schema)',
    });
  }
  if (status.pending.length > 0) {
    return new AppError(
      'schema_outdated',
      `the store's schema (version ${status.version}) is older than this iamctl (version ${status.latest})`,
      { hint: 'run `iamctl db migrate`' },
    );
  }
  return null;
}
