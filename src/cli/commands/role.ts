// role list | show | permissions | create | update | delete | assign | unassign
import { groupByEntity } from '../../auth/catalog.js';
import { usageError } from '../../core/errors.js';
import { assignRole, unassignRole } from '../../core/role-assignments.js';
import { createRole, deleteRole, listRoles, permissionCatalog, showRole, updateRole } from '../../core/roles.js';
import type { CommandContext } from '../context.js';
import { catalogColumns, holderColumns, permissionGroupColumns, roleColumns, roleFields, userFields } from '../views.js';

type Args = (string | undefined)[];
type Opts = Record<string, any>;

const structured = (ctx: CommandContext) => ctx.out.format === 'json' || ctx.out.format === 'yaml';

export async function list(ctx: CommandContext): Promise<void> {
  const [principal, acting] = await Promise.all([ctx.principal(), ctx.actingTenant()]);
  const roles = await listRoles(await ctx.deps(), acting.row.id);
  await ctx.out.list(roles, roleColumns);
  const custom = roles.filter((r) => !r.builtin).length;
  if (custom > 0 && principal.access.edition !== 'enterprise') {
    ctx.out.warn(`edition.rbac=${principal.access.edition}: the ${custom} custom role(s) grant nothing until edition.rbac=enterprise`);
  }
}

export async function show(ctx: CommandContext, [name]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const role = await showRole(await ctx.deps(), acting.row.id, name!);
  if (structured(ctx)) return ctx.out.data(role);
  await ctx.out.object(role, roleFields(role));
  // Two more sections: permissions by entity, then who holds the role.
  section(ctx, 'Permissions');
  await ctx.out.list(groupByEntity(role.permissions), permissionGroupColumns);
  section(ctx, 'Users');
  await ctx.out.list(role.holders, holderColumns);
}

function section(ctx: CommandContext, title: string): void {
  ctx.out.text(ctx.io.stdoutIsTTY ? `\n${ctx.out.chalk.bold(title)}` : '');
}

export async function permissions(ctx: CommandContext): Promise<void> {
  await ctx.out.list(permissionCatalog(), catalogColumns);
  ctx.out.say('grants: entity:action, entity:*, or area:level (manager = every action, operator = read + operate, viewer = read)');
}

export async function create(ctx: CommandContext, [name]: Args, opts: Opts): Promise<void> {
  const acting = await ctx.actingTenant();
  const role = await createRole(await ctx.deps(), await ctx.principal(), acting.row.id, {
    name: name!,
    displayName: opts.displayName,
    description: opts.description,
    grants: opts.grant,
    inherits: opts.inherits,
  });
  await ctx.out.object(role, roleFields(role));
  ctx.out.success(`created role ${role.name} (${role.permissions.length} permissions)`);
}

const updateFlags = ['displayName', 'description', 'grant', 'addGrant', 'removeGrant', 'inherits', 'addInherits', 'removeInherits'];

export async function update(ctx: CommandContext, [name]: Args, opts: Opts): Promise<void> {
  if (!updateFlags.some((f) => opts[f] !== undefined)) {
    throw usageError('nothing to update', 'pass --display-name, --description, --grant, --add-grant, --remove-grant, --inherits, --add-inherits or --remove-inherits');
  }
  const acting = await ctx.actingTenant();
  const role = await updateRole(await ctx.deps(), await ctx.principal(), acting.row.id, name!, {
    displayName: opts.displayName,
    description: opts.description,
    grants: opts.grant,
    addGrants: opts.addGrant,
    removeGrants: opts.removeGrant,
    inherits: opts.inherits,
    addInherits: opts.addInherits,
    removeInherits: opts.removeInherits,
  });
  await ctx.out.object(role, roleFields(role));
  ctx.out.success(`updated role ${role.name}`);
}

export async function remove(ctx: CommandContext, [name]: Args, opts: Opts): Promise<void> {
  const acting = await ctx.actingTenant();
  await ctx.confirm(opts.force ? `Delete role ${name} and remove every assignment of it` : `Delete role ${name}`);
  const deleted = await deleteRole(await ctx.deps(), await ctx.principal(), acting.row.id, name!, { force: opts.force === true });
  if (structured(ctx)) await ctx.out.data(deleted);
  const removed = [
    deleted.users > 0 ? `${deleted.users} assignment(s)` : '',
    deleted.teams.length > 0 ? `grants to team(s) ${deleted.teams.join(', ')}` : '',
    deleted.inheritedBy.length > 0 ? `inheritance by ${deleted.inheritedBy.join(', ')}` : '',
  ].filter(Boolean);
  ctx.out.success(`deleted role ${name}${removed.length > 0 ? `; removed ${removed.join(', ')}` : ''}`);
  if (deleted.defaulted > 0) ctx.out.say(`${deleted.defaulted} user(s) had no other role and now hold ${deleted.defaultRole} (users.defaultRole)`);
}

export async function assign(ctx: CommandContext, [user, role]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const updated = await assignRole(await ctx.deps(), await ctx.principal(), acting.row.id, user!, role!);
  await ctx.out.object(updated, userFields(updated));
  ctx.out.success(`assigned ${role} to ${updated.email}`);
}

export async function unassign(ctx: CommandContext, [user, role]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const updated = await unassignRole(await ctx.deps(), await ctx.principal(), acting.row.id, user!, role!);
  await ctx.out.object(updated, userFields(updated));
  ctx.out.success(`removed ${role} from ${updated.email}`);
}
