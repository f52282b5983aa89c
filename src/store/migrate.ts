// Schema migrations: the files in migrations/, applied in one transaction (IMMEDIATE on SQLite,
// advisory-locked on PostgreSQL). The check every command makes before touching the store is in
// ./schema-check.ts (re-exported here), which loads none of this.
import { sql } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as m0001 from '../../migrations/0001_initial.js';
import { AppError } from '../core/errors.js';
import type { Store } from './db.js';
import { schemaStatus, tooNew } from './schema-check.js';

export { assertSchemaCurrent, classifySchema, schemaProblem, schemaStatus, type SchemaStatus } from './schema-check.js';

/** Every migration this build knows, by name; names sort in the order they apply. */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
};

export const knownMigrations = Object.keys(migrations).sort();
export const latestSchemaVersion = knownMigrations.length;

/** Arbitrary, fixed: the advisory lock every iamctl migration on PostgreSQL takes first. */
const migrationLockKey = 0x1a3c71;

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration in one transaction; returns the names applied. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const before = await schemaStatus(store);
  if (before.unknown.length > 0) throw tooNew(before);
  // The whole run, including Kysely's own bookkeeping tables, happens in one transaction:
  // a second `db migrate` waits for the first and then finds nothing to do.
  const outcome = await store.write(async (trx) => {
    // PostgreSQL: concurrent `create table if not exists` can still collide (and an error
    // aborts the transaction), so migrators queue on an advisory lock before touching anything.
    if (store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${migrationLockKey})`.execute(trx);
    const migrator = new Migrator({ db: trx, provider });
    return migrator.migrateToLatest();
  });
  if (outcome.error) {
    const failed = outcome.results?.find((r) => r.status === 'Error');
    throw new AppError('internal', `migration ${failed?.migrationName ?? ''} failed: ${(outcome.error as Error).message}`, {
      cause: outcome.error,
    });
  }
  return (outcome.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
