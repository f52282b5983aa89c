// Role assignments: who may be given which role, assign and unassign (each recording who and
// when), and the rule that nobody can hand out a permission they do not hold themselves.
import type { Kysely } from 'kysely';
import type { RbacEdition } from '../auth/access.js';
import { authorize } from '../auth/authorize.js';
import type { Action } from '../auth/catalog.js';
import type { Principal } from '../auth/principal.js';
import { effectivePermissions } from '../auth/role-graph.js';
import { appendAudit } from '../store/audit-repo.js';
import { assignRoles, findRoleRow, loadRoleLinks } from '../store/role-repo.js';
import type { Database, RoleRow, UserRow } from '../store/schema.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { findUserRow, toUserObject } from '../store/user-repo.js';
import { isoNow, type Deps } from './deps.js';
import { assertRbac, rbacRefusal, rbacAtLeast } from './editions.js';
import { AppError, conflict, forbidden, notFound, validationError } from './errors.js';
import type { User } from './model.js';

/**
 * Refuses (5) a change that would confer a permission the actor does not hold in the tenant:
 * a custom role with `roles:update` alone must not be a way to become an administrator.
 */
export function assertCanConfer(actor: Principal, tenantId: string, permissions: Iterable<string>, what: string): void {
  for (const permission of permissions) {
    const [entity, action] = permission.split(':') as [string, Action];
    if (!authorize(actor, action, entity, tenantId).allowed) {
      throw forbidden(`you cannot ${what}: it grants ${permission}, which you do not hold`, 'ask an administrator to do it');
    }
  }
}

/** A role that may be assigned (to a user or a team) in a tenant. */
export async function resolveAssignableRole(db: Kysely<Database>, tenantId: string, roleId: string, edition: RbacEdition): Promise<RoleRow> {
  if (roleId === 'super-admin' && tenantId !== MAIN_TENANT_ID) {
    throw validationError('super-admin is only for main-account users', 'tenant users get tenant roles; see `iamctl role list`');
  }
  if (tenantId === MAIN_TENANT_ID && roleId !== 'super-admin') {
    throw validationError(`role ${roleId} is a tenant role: main-account users are super admins`, 'act in a tenant: --tenant <slug>');
  }
  const row = await findRoleRow(db, tenantId, roleId);
  if (!row) throw notFound(`role ${roleId}`, 'see `iamctl role list`');
  if (row.builtin !== 1 && !rbacAtLeast(edition, 'enterprise')) throw rbacRefusal(`custom role ${roleId}`, edition, 'enterprise');
  return row;
}

/** A user of the tenant by email or id (deleted users and other tenants' users look missing). */
export async function userInTenant(db: Kysely<Database>, tenantId: string, ref: string): Promise<UserRow> {
  const user = await findUserRow(db, { ref, tenantId });
  if (!user) throw notFound(`user ${ref}`, 'see `iamctl user list`');
  return user;
}

export async function assignRole(deps: Deps, actor: Principal, tenantId: string, userRef: string, roleId: string): Promise<User> {
  assertRbac(actor.access.edition, 'basic', 'role assignment');
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const user = await userInTenant(trx, tenantId, userRef);
    await resolveAssignableRole(trx, tenantId, roleId, actor.access.edition);
    const held = await trx
      .selectFrom('role_assignments')
      .select('role_id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', user.id)
      .where('role_id', '=', roleId)
      .executeTakeFirst();
    if (held) throw conflict(`${user.email} already holds role ${roleId}`);
    assertCanConfer(actor, tenantId, effectivePermissions(await loadRoleLinks(trx, tenantId), roleId), `assign ${roleId}`);
    await writeRoleAssignment(trx, actor.userId, tenantId, user.id, roleId, 'assign', at);
    return toUserObject(trx, user);
  });
}

export async function unassignRole(deps: Deps, actor: Principal, tenantId: string, userRef: string, roleId: string): Promise<User> {
  assertRbac(actor.access.edition, 'basic', 'role assignment');
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const user = await userInTenant(trx, tenantId, userRef);
    const direct = await trx
      .selectFrom('role_assignments')
      .select('role_id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', user.id)
      .execute();
    if (!direct.some((d) => d.role_id === roleId)) {
      const team = await teamGranting(trx, tenantId, user.id, roleId);
      throw new AppError('not_found', `${user.email} does not hold role ${roleId} directly`, {
        hint: team ? `it comes from team ${team}: iamctl team remove-member ${team} ${user.email}` : `${user.email} holds: ${direct.map((d) => d.role_id).join(', ')}`,
      });
    }
    if (direct.length === 1) {
      throw conflict(`cannot remove ${roleId}: it is the last role of ${user.email}`, `assign another role first: iamctl role assign ${user.email} <role>`);
    }
    await writeRoleAssignment(trx, actor.userId, tenantId, user.id, roleId, 'unassign', at);
    return toUserObject(trx, user);
  });
}

/** Gives or takes one direct role and writes `role.assign`/`role.unassign`, inside the caller's transaction (checks done by the caller). */
export async function writeRoleAssignment(
  trx: Kysely<Database>, actorId: string | null, tenantId: string, userId: string, roleId: string, change: 'assign' | 'unassign', at: string,
): Promise<void> {
  if (change === 'assign') await assignRoles(trx, tenantId, userId, [roleId], actorId, at);
  else await trx.deleteFrom('role_assignments').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('role_id', '=', roleId).execute();
  await appendAudit(trx, { at, tenantId, actorId, action: `role.${change}`, target: `user:${userId}`, details: { role: roleId } });
}

async function teamGranting(db: Kysely<Database>, tenantId: string, userId: string, roleId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('team_members as m')
    .innerJoin('team_roles as r', (j) => j.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.team_id', '=', 'm.team_id'))
    .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
    .select('t.name')
    .where('m.tenant_id', '=', tenantId)
    .where('m.user_id', '=', userId)
    .where('r.role_id', '=', roleId)
    .orderBy('t.name')
    .executeTakeFirst();
  return row?.name;
}
