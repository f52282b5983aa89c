// Roles and role assignments.
import type { Kysely } from 'kysely';
import { builtinRoles } from '../auth/catalog.js';
import { emptyLinks, type RoleLinks } from '../auth/role-graph.js';
import type { Database, RoleRow } from './schema.js';
import { MAIN_TENANT_ID } from './tenant-repo.js';

/** Gives a tenant the rows of the built-in roles that apply to it (super-admin: main only). */
export async function insertBuiltinRoles(trx: Kysely<Database>, tenantId: string, now: string): Promise<void> {
  const scope = tenantId === MAIN_TENANT_ID ? 'main' : 'tenant';
  const rows = builtinRoles
    .filter((r) => r.scope === scope)
    .map((r) => ({
      tenant_id: tenantId,
      id: r.id,
      display_name: r.displayName,
      description: r.description,
      builtin: 1,
      created_at: now,
      updated_at: now,
    }));
  await trx.insertInto('roles').values(rows).onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing()).execute();
}

export async function roleExists(db: Kysely<Database>, tenantId: string, roleId: string): Promise<boolean> {
  const row = await db
    .selectFrom('roles')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function assignRoles(
  trx: Kysely<Database>,
  tenantId: string,
  userId: string,
  roleIds: readonly string[],
  assignedBy: string | null,
  now: string,
): Promise<void> {
  if (roleIds.length === 0) return;
  await trx
    .insertInto('role_assignments')
    .values(roleIds.map((roleId) => ({ tenant_id: tenantId, user_id: userId, role_id: roleId, assigned_by: assignedBy, assigned_at: now })))
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'role_id']).doNothing())
    .execute();
}

/** Directly assigned role ids of each user (sorted). */
export async function directRolesOf(
  db: Kysely<Database>,
  tenantId: string,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  // Sorted here, not by the statement: an ORDER BY role_id leads SQLite to walk the tenant's
  // whole (tenant_id, role_id) index instead of looking up these users by primary key.
  const rows = await db
    .selectFrom('role_assignments')
    .select(['user_id', 'role_id'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', 'in', userIds as string[])
    .execute();
  for (const row of rows) result.get(row.user_id)?.push(row.role_id);
  for (const roles of result.values()) roles.sort();
  return result;
}

/** Custom roles' grants (as written) and every inheritance link of a tenant. */
export async function loadRoleLinks(db: Kysely<Database>, tenantId: string): Promise<RoleLinks> {
  const [grants, inherits] = await Promise.all([
    db.selectFrom('role_permissions').select(['role_id', 'permission']).where('tenant_id', '=', tenantId).orderBy('permission').execute(),
    db.selectFrom('role_inherits').select(['role_id', 'inherits_role_id']).where('tenant_id', '=', tenantId).orderBy('inherits_role_id').execute(),
  ]);
  const links = emptyLinks();
  for (const g of grants) links.grants.set(g.role_id, [...(links.grants.get(g.role_id) ?? []), g.permission]);
  for (const i of inherits) links.inherits.set(i.role_id, [...(links.inherits.get(i.role_id) ?? []), i.inherits_role_id]);
  return links;
}

export async function findRoleRow(db: Kysely<Database>, tenantId: string, roleId: string): Promise<RoleRow | undefined> {
  return db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).where('id', '=', roleId).executeTakeFirst();
}

/** Built-in roles first (in catalog order), then custom roles by name. */
export async function listRoleRows(db: Kysely<Database>, tenantId: string): Promise<RoleRow[]> {
  const rows = await db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  const order = new Map(builtinRoles.map((r, i) => [r.id, i]));
  return rows.sort((a, b) => (order.get(a.id) ?? order.size) - (order.get(b.id) ?? order.size));
}

/** Replaces a custom role's grants and parents (within the caller's transaction). */
export async function writeRoleLinks(
  trx: Kysely<Database>,
  tenantId: string,
  roleId: string,
  change: { grants?: readonly string[] | undefined; inherits?: readonly string[] | undefined },
): Promise<void> {
  if (change.grants) {
    await trx.deleteFrom('role_permissions').where('tenant_id', '=', tenantId).where('role_id', '=', roleId).execute();
    if (change.grants.length > 0) {
      await trx
        .insertInto('role_permissions')
        .values(change.grants.map((permission) => ({ tenant_id: tenantId, role_id: roleId, permission })))
        .execute();
    }
  }
  if (change.inherits) {
    await trx.deleteFrom('role_inherits').where('tenant_id', '=', tenantId).where('role_id', '=', roleId).execute();
    if (change.inherits.length > 0) {
      await trx
        .insertInto('role_inherits')
        .values(change.inherits.map((parent) => ({ tenant_id: tenantId, role_id: roleId, inherits_role_id: parent })))
        .execute();
    }
  }
}

export interface RoleHolderRow {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  /** The role actually held (the role itself, or a role that inherits it). */
  role: string;
  /** 'direct' or 'team:NAME'. */
  via: string;
  assignedBy: string | null;
  assignedAt: string;
}

/** Users (not deleted) holding any of `roleIds`, directly or through a team. */
export async function roleHolderRows(db: Kysely<Database>, tenantId: string, roleIds: readonly string[]): Promise<RoleHolderRow[]> {
  const ids = [...roleIds];
  const [direct, viaTeams] = await Promise.all([
    db
      .selectFrom('role_assignments as a')
      .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'a.tenant_id').onRef('u.id', '=', 'a.user_id'))
      .select(['u.id', 'u.email', 'u.first_name', 'u.last_name', 'a.role_id', 'a.assigned_by', 'a.assigned_at'])
      .where('a.tenant_id', '=', tenantId)
      .where('a.role_id', 'in', ids)
      .where('u.status', '!=', 'deleted')
      .execute(),
    db
      .selectFrom('team_roles as r')
      .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'r.tenant_id').onRef('t.id', '=', 'r.team_id'))
      .innerJoin('team_members as m', (j) => j.onRef('m.tenant_id', '=', 'r.tenant_id').onRef('m.team_id', '=', 'r.team_id'))
      .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'm.tenant_id').onRef('u.id', '=', 'm.user_id'))
      .select(['u.id', 'u.email', 'u.first_name', 'u.last_name', 'r.role_id', 't.name', 'r.granted_by', 'r.granted_at'])
      .where('r.tenant_id', '=', tenantId)
      .where('r.role_id', 'in', ids)
      .where('u.status', '!=', 'deleted')
      .execute(),
  ]);
  const rows: RoleHolderRow[] = [
    ...direct.map((d) => ({
      userId: d.id, email: d.email, firstName: d.first_name, lastName: d.last_name,
      role: d.role_id, via: 'direct', assignedBy: d.assigned_by, assignedAt: d.assigned_at,
    })),
    ...viaTeams.map((t) => ({
      userId: t.id, email: t.email, firstName: t.first_name, lastName: t.last_name,
      role: t.role_id, via: `team:${t.name}`, assignedBy: t.granted_by, assignedAt: t.granted_at,
    })),
  ];
  return rows.sort((a, b) => a.email.localeCompare(b.email) || a.via.localeCompare(b.via) || a.role.localeCompare(b.role));
}

/** How many users hold a role directly and how many teams hold it. */
export async function roleUsage(db: Kysely<Database>, tenantId: string, roleId: string): Promise<{ users: string[]; teams: string[] }> {
  const [users, teams] = await Promise.all([
    db.selectFrom('role_assignments').select('user_id').where('tenant_id', '=', tenantId).where('role_id', '=', roleId).execute(),
    db
      .selectFrom('team_roles as r')
      .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'r.tenant_id').onRef('t.id', '=', 'r.team_id'))
      .select('t.name')
      .where('r.tenant_id', '=', tenantId)
      .where('r.role_id', '=', roleId)
      .orderBy('t.name')
      .execute(),
  ]);
  return { users: users.map((u) => u.user_id), teams: teams.map((t) => t.name) };
}
