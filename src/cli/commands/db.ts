// db migrate | status | backup
import fs from 'node:fs';
import path from 'node:path';
import { conflict, usageError } from '../../core/errors.js';
import { migrateToLatest, schemaStatus } from '../../store/migrate.js';
import type { CommandContext } from '../context.js';

export async function migrate(ctx: CommandContext): Promise<void> {
  const store = await ctx.openStore({ create: true });
  const applied = await migrateToLatest(store);
  const status = await schemaStatus(store);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') {
    await ctx.out.data({ store: store.location, applied, version: status.version });
  }
  ctx.out.success(applied.length ? `applied ${applied.join(', ')}; schema version ${status.version}` : `schema up to date (version ${status.version})`);
}

export async function status(ctx: CommandContext): Promise<void> {
  const store = await ctx.openStore();
  const status = await schemaStatus(store);
  const value = { store: store.location, dialect: store.dialect, ...status, current: status.pending.length === 0 && status.unknown.length === 0 };
  await ctx.out.object(value, [
    ['store', `${store.location} (${store.dialect})`],
    ['schema version', `${status.version} (this iamctl: ${status.latest})`],
    ['applied', status.applied.length ? status.applied : '(none)'],
    ['pending', status.pending.length ? status.pending : '(none)'],
    ...(status.unknown.length ? ([['unknown (newer)', status.unknown]] as [string, unknown][]) : []),
  ]);
}

/** A consistent copy of an SQLite store (0600), taken while others write; PostgreSQL: pg_dump (7). */
export async function backup(ctx: CommandContext, args: (string | undefined)[]): Promise<void> {
  if (ctx.out.format === 'csv') throw usageError('-o csv is only for lists', 'use -o json (or table, yaml)');
  const store = await ctx.store();
  if (store.dialect === 'postgres') {
    throw conflict(`db backup copies SQLite stores; this store is PostgreSQL (${store.location})`, `back it up with pg_dump: pg_dump --format=custom --file=iamctl.dump '${store.location}'`);
  }
  const target = path.resolve(args[0]!);
  if (fs.existsSync(target)) throw conflict(`${target} already exists`, 'a backup never overwrites a file: choose a new name');
  if (!fs.existsSync(path.dirname(target))) throw usageError(`cannot write ${target}: folder ${path.dirname(target)} does not exist`);
  const { backupSqlite } = await import('../../store/backup.js');
  const result = await backupSqlite(store, target);
  await ctx.out.object(result, [
    ['file', result.file],
    ['bytes', result.bytes],
    ['took', `${result.ms} ms`],
  ]);
  ctx.out.success(`backed up ${store.location} to ${result.file} (owner-only)`);
}
