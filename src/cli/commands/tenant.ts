// tenant create | list | show | update | deactivate | activate | switch | current | default
import {
  createTenant,
  findVisibleTenant,
  listTenants,
  setDefaultTenant,
  setTenantStatus,
  updateTenant,
} from '../../core/tenants.js';
import { AppError, conflict, usageError } from '../../core/errors.js';
import { findTenantById, listTenantRows, publicSlug, toTenant } from '../../store/tenant-repo.js';
import type { CommandContext } from '../context.js';
import { tenantColumns, tenantFields } from '../views.js';

type Opts = Record<string, any>;

export async function create(ctx: CommandContext, [slug]: (string | undefined)[], opts: Opts): Promise<void> {
  if (opts.name === undefined) throw usageError('missing --name', 'pass --name "Display Name"');
  const tenant = await createTenant(await ctx.deps(), await ctx.principal(), { slug: slug!, name: opts.name, email: opts.email, color: opts.color });
  await ctx.out.object(tenant, tenantFields(tenant));
  ctx.out.success(`created tenant ${tenant.slug}`);
}

export async function list(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  await ctx.out.list(await listTenants(await ctx.deps(), opts.status), tenantColumns);
}

export async function show(ctx: CommandContext, [slug]: (string | undefined)[]): Promise<void> {
  const deps = await ctx.deps();
  const row = await findVisibleTenant(deps, await ctx.principal(), slug!);
  await ctx.authorize('tenant-settings:read', row.id);
  const tenant = toTenant(row);
  await ctx.out.object(tenant, tenantFields(tenant));
}

export async function update(ctx: CommandContext, [slug]: (string | undefined)[], opts: Opts): Promise<void> {
  if (opts.name === undefined && opts.email === undefined && opts.color === undefined) {
    throw usageError('nothing to update', 'pass --name, --email or --color');
  }
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const row = await findVisibleTenant(deps, principal, slug!);
  await ctx.authorize('tenant-settings:update', row.id);
  const tenant = await updateTenant(deps, principal, row, { name: opts.name, email: opts.email, color: opts.color });
  await ctx.out.object(tenant, tenantFields(tenant));
  ctx.out.success(`updated tenant ${tenant.slug}`);
}

async function changeStatus(ctx: CommandContext, slug: string, status: 'active' | 'inactive'): Promise<void> {
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const row = await findVisibleTenant(deps, principal, slug);
  if (row.kind === 'system' && status === 'inactive') throw conflict(`tenant ${slug} is built in and stays active`);
  if (status === 'inactive') await ctx.confirm(`Deactivate tenant ${slug} (its users can no longer sign in or use keys)`);
  const tenant = await setTenantStatus(deps, principal, row, status);
  await ctx.out.object(tenant, tenantFields(tenant));
  ctx.out.success(`${status === 'active' ? 'activated' : 'deactivated'} tenant ${tenant.slug}`);
}

export const deactivate = (ctx: CommandContext, [slug]: (string | undefined)[]) => changeStatus(ctx, slug!, 'inactive');
export const activate = (ctx: CommandContext, [slug]: (string | undefined)[]) => changeStatus(ctx, slug!, 'active');

export async function switchTenant(ctx: CommandContext, [slug]: (string | undefined)[], opts: Opts): Promise<void> {
  if (opts.main && slug) throw usageError('give a slug or --main, not both');
  const deps = await ctx.deps();
  let target = slug;
  if (!target && !opts.main) {
    if (!ctx.canPrompt) throw usageError('missing tenant slug', 'pass a slug, or --main for the main account');
    const rows = await listTenantRows(deps.store.db, 'active');
    const choice = await ctx.prompter.select('Switch to', [
      { value: '', name: '(main account)' },
      ...rows.map((r) => ({ value: r.slug, name: `${r.slug}  ${r.name}` })),
    ]);
    target = choice === '' ? undefined : choice;
  }
  if (!target) {
    await ctx.updateStoreContext({ tenant: undefined });
    if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data({ tenant: null });
    ctx.out.success('now acting in the main account');
    return;
  }
  const row = await findVisibleTenant(deps, await ctx.principal(), target);
  if (row.status !== 'active') throw conflict(`tenant ${target} is inactive`, `activate it first: iamctl tenant activate ${target}`);
  await ctx.updateStoreContext({ tenant: row.slug });
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data({ tenant: row.slug });
  ctx.out.success(`now acting in ${row.slug} (${row.name})`);
}

export async function current(ctx: CommandContext): Promise<void> {
  const acting = await ctx.actingTenant();
  const value = { tenant: acting.slug, name: acting.row.name, status: acting.row.status, source: acting.source };
  await ctx.out.object(value, [
    ['tenant', acting.slug ?? '(main account)'],
    ['name', acting.row.name],
    ['status', acting.row.status],
    ['from', { flag: '--tenant', env: 'IAMCTL_TENANT', context: 'tenant switch', own: 'your own tenant', main: 'main account (default)' }[acting.source]],
  ]);
}

export async function defaultTenant(ctx: CommandContext, [slug]: (string | undefined)[], opts: Opts): Promise<void> {
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  if (opts.clear && slug) throw usageError('give a slug or --clear, not both');
  if (!slug && !opts.clear) {
    const user = await deps.store.db.selectFrom('users').select('default_tenant_id').where('id', '=', principal.userId).executeTakeFirstOrThrow();
    const row = user.default_tenant_id ? await findTenantById(deps.store.db, user.default_tenant_id) : undefined;
    const value = { tenant: row ? publicSlug(row) : null };
    await ctx.out.object(value, [['default tenant', value.tenant ?? '(main account)']]);
    return;
  }
  const row = slug ? await findVisibleTenant(deps, principal, slug) : null;
  if (row && row.status !== 'active') throw new AppError('conflict', `tenant ${slug} is inactive`);
  await setDefaultTenant(deps, principal, row);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data({ tenant: row?.slug ?? null });
  ctx.out.success(row ? `default tenant set to ${row.slug} (applied at login)` : 'default tenant cleared (login starts in the main account)');
}
