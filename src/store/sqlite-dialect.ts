// Kysely's SQLite dialect, adjusted for a store that several processes write at once:
// - every write transaction begins IMMEDIATE (Kysely issues a deferred `begin`, which can fail
//   with SQLITE_BUSY at the first write instead of waiting for the lock); a transaction opened
//   with accessMode 'read only' stays deferred, which is all a consistent read needs;
// - the adapter reports transactional DDL, so the Migrator runs every migration inside that
//   one IMMEDIATE transaction and a crash or a concurrent `db migrate` never leaves half a
//   schema behind (SQLite does support transactional DDL; Kysely is conservative);
// - prepared statements are cached per SQL text: Kysely's connection prepares on every call.
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    const mode = settings?.accessMode === 'read only' ? 'begin' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(mode));
  }
}

class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class StoreSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

const statementCacheSize = 256;

/** The subset of better-sqlite3's Database that Kysely's driver uses, with a statement cache. */
export function withStatementCache(database: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): BetterSqlite3.Statement {
      let statement = cache.get(sql);
      if (statement === undefined || statement.busy) {
        statement = database.prepare(sql);
        if (cache.size >= statementCacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}
