// db migrate | status
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
