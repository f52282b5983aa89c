// Roles and role assignments.
import type { Kysely } from 'kysely';
import { builtinRoles } from '../auth/catalog.js';
import type { Database } from './schema.js';
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
  const rows = await db
    .selectFrom('role_assignments')
    .select(['user_id', 'role_id'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', 'in', userIds as string[])
    .orderBy('role_id')
    .execute();
  for (const row of rows) result.get(row.user_id)?.push(row.role_id);
  return result;
}
