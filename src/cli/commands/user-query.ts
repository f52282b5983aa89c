// user list | show | stats
import { listUsers, showUser, userStats, type UserDetail, type UserStats } from '../../core/user-queries.js';
import { usageError } from '../../core/errors.js';
import type { RoleAssignment, User } from '../../core/model.js';
import type { Column } from '../../output/render.js';
import { MAIN_TENANT_ID } from '../../store/tenant-repo.js';
import type { CommandContext } from '../context.js';
import { fullName, userFields } from '../views.js';

type Opts = Record<string, any>;

/** Seed 004's table: user (name, email), roles, status, created, last login. */
const userColumns: Column<User>[] = [
  { key: 'name', header: 'NAME', get: (u) => fullName(u) },
  { key: 'email', header: 'EMAIL', get: (u) => u.email },
  { key: 'roles', header: 'ROLES', get: (u) => u.roles },
  { key: 'status', header: 'STATUS', get: (u) => u.status },
  { key: 'created', header: 'CREATED', get: (u) => u.createdAt },
  { key: 'lastLogin', header: 'LAST LOGIN', get: (u) => u.lastLoginAt ?? 'never' },
];
const idColumn: Column<User> = { key: 'id', header: 'ID', get: (u) => u.id };
const tenantColumn: Column<User> = { key: 'tenant', header: 'TENANT', get: (u) => u.tenant ?? '(main)' };

const assignmentColumns: Column<RoleAssignment>[] = [
  { key: 'role', header: 'ROLE', get: (a) => a.role },
  { key: 'by', header: 'BY', get: (a) => a.assignedBy ?? '(system)' },
  { key: 'at', header: 'AT', get: (a) => a.assignedAt },
  { key: 'via', header: 'VIA', get: (a) => a.via },
];

export async function list(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const allTenants = opts.allTenants === true;
  if (allTenants && ctx.globals.tenant !== undefined) throw usageError('give --tenant or --all-tenants, not both');
  if (opts.status === 'deleted' && opts.includeDeleted) throw usageError('give --status deleted or --include-deleted, not both');
  // Every tenant's users: a super admin's view (tenants:read exists only in the main account).
  if (allTenants) await ctx.authorize('tenants:read', MAIN_TENANT_ID);
  const acting = await ctx.actingTenant();
  const page = await listUsers(await ctx.deps(), {
    tenantId: allTenants ? undefined : acting.row.id,
    search: opts.search,
    status: opts.status,
    includeDeleted: opts.includeDeleted === true,
    role: opts.role,
    sort: opts.sort,
    desc: opts.desc === true,
    limit: opts.limit,
    cursor: opts.cursor,
  });
  const columns = allTenants ? [tenantColumn, ...userColumns, idColumn] : [...userColumns, idColumn];
  // The default table is the seed's; --columns may also pick id (and tenant).
  const shown = ctx.out.options.columns?.length ? columns : columns.filter((c) => c !== idColumn);
  await ctx.out.list(page.items, shown, page);
}

export async function show(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const acting = await ctx.actingTenant();
  const user: UserDetail = await showUser(await ctx.deps(), acting.row.id, ref!);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') {
    await ctx.out.data(user);
    return;
  }
  await ctx.out.object(user, [...userFields(user), ['teams', user.teams.length > 0 ? user.teams : '(none)']]);
  if (user.roleAssignments.length > 0) {
    ctx.out.text('');
    await ctx.out.list(user.roleAssignments, assignmentColumns);
  }
}

export async function stats(ctx: CommandContext): Promise<void> {
  const acting = await ctx.actingTenant();
  const principal = await ctx.principal();
  const result: UserStats = await userStats(await ctx.deps(), acting.row.id, acting.slug, principal.access.edition);
  await ctx.out.object(result, [
    ['tenant', result.tenant ?? '(main account)'],
    ['total', result.total],
    ['administrators', result.administrators],
    ['active', result.active],
    ['new this week', result.newThisWeek],
  ]);
}
