// Deleting a custom role. A role still in use (held by users or teams, inherited by other
// roles, used by resource grants or SSO mappings) needs --force, which removes those links in
// the same transaction; users left without any role get users.defaultRole (every user keeps one).
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import type { Trx } from '../store/db.js';
import { assignRoles, findRoleRow, loadRoleLinks, roleUsage } from '../store/role-repo.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { isoNow, type Deps } from './deps.js';
import { assertRbac } from './editions.js';
import { conflict, notFound } from './errors.js';
import { resolveSetting } from './settings.js';

export interface DeletedRole {
  name: string;
  /** Users who held the role directly. */
  users: number;
  teams: string[];
  /** Roles that inherited it. */
  inheritedBy: string[];
  resourceGrants: number;
  ssoMappings: number;
  /** Users given users.defaultRole because the deleted role was their only one. */
  defaulted: number;
  defaultRole: string;
}

export async function deleteRole(deps: Deps, actor: Principal, tenantId: string, name: string, options: { force: boolean }): Promise<DeletedRole> {
  assertRbac(actor.access.edition, 'enterprise', 'custom roles');
  const at = isoNow(deps);
  return deps.store.write((trx) => deleteRoleInTrx(trx, actor.userId, tenantId, name, options, at));
}

/** `deleteRole` inside the caller's transaction (no edition check: callers do it). */
export async function deleteRoleInTrx(trx: Trx, actorId: string | null, tenantId: string, name: string, options: { force: boolean }, at: string): Promise<DeletedRole> {
  const row = await findRoleRow(trx, tenantId, name);
  if (!row) throw notFound(`role ${name}`, 'see `iamctl role list`');
  if (row.builtin === 1) throw conflict(`role ${name} is built in and cannot be deleted`);
  const defaultRole = String(resolveSetting(await loadStoredSettings(trx, { tenantId }), 'users.defaultRole').value);
  if (defaultRole === name) {
    throw conflict(`role ${name} is the default role of new users (users.defaultRole)`, 'set users.defaultRole to another role first');
  }
  const [usage, links, grants, mappings] = await Promise.all([
    roleUsage(trx, tenantId, name),
    loadRoleLinks(trx, tenantId),
    trx.selectFrom('resource_grants').select('id').where('tenant_id', '=', tenantId).where('role_id', '=', name).execute(),
    trx.selectFrom('sso_group_mappings').select('id').where('tenant_id', '=', tenantId).where('role_id', '=', name).execute(),
  ]);
  const inheritedBy = [...links.inherits].filter(([, parents]) => parents.includes(name)).map(([child]) => child).sort();
  const result: DeletedRole = {
    name,
    users: usage.users.length,
    teams: usage.teams,
    inheritedBy,
    resourceGrants: grants.length,
    ssoMappings: mappings.length,
    defaulted: 0,
    defaultRole,
  };
  const uses = [
    usage.users.length > 0 ? `held by ${usage.users.length} user(s)` : '',
    usage.teams.length > 0 ? `granted to team(s) ${usage.teams.join(', ')}` : '',
    inheritedBy.length > 0 ? `inherited by ${inheritedBy.join(', ')}` : '',
    grants.length > 0 ? `used by ${grants.length} resource grant(s)` : '',
    mappings.length > 0 ? `used by ${mappings.length} SSO group mapping(s)` : '',
  ].filter(Boolean);
  if (uses.length > 0 && !options.force) {
    throw conflict(`role ${name} is still in use: ${uses.join('; ')}`, `pass --force to remove those assignments with the role`);
  }
  const orphans = await usersLeftWithoutRole(trx, tenantId, name, usage.users);
  if (orphans.length > 0) {
    if (!(await findRoleRow(trx, tenantId, defaultRole))) {
      throw conflict(`${orphans.length} user(s) would be left without a role and users.defaultRole (${defaultRole}) does not exist here`, 'assign them another role first');
    }
    for (const userId of orphans) await assignRoles(trx, tenantId, userId, [defaultRole], actorId, at);
    result.defaulted = orphans.length;
  }
  // Assignments, team grants, inheritance links, grants and mappings go with the role (cascade).
  await trx.deleteFrom('roles').where('tenant_id', '=', tenantId).where('id', '=', name).execute();
  const { name: _name, ...details } = result;
  await appendAudit(trx, { at, tenantId, actorId, action: 'role.delete', target: `role:${name}`, details: { ...details, force: options.force } });
  return result;
}

async function usersLeftWithoutRole(trx: Parameters<typeof roleUsage>[0], tenantId: string, name: string, holders: readonly string[]): Promise<string[]> {
  if (holders.length === 0) return [];
  const others = await trx
    .selectFrom('role_assignments')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', 'in', [...holders])
    .where('role_id', '!=', name)
    .execute();
  const covered = new Set(others.map((o) => o.user_id));
  return holders.filter((id) => !covered.has(id));
}
