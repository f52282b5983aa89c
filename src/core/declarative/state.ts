// What the store holds for one tenant, loaded once per apply (inside its transaction), in the
// shape the planner compares the file against.
import type { Kysely } from 'kysely';
import { builtinRoles } from '../../auth/catalog.js';
import type { RoleLinks } from '../../auth/role-graph.js';
import { emptyLinks } from '../../auth/role-graph.js';
import { directRolesOf, listRoleRows, loadRoleLinks } from '../../store/role-repo.js';
import type { Database, RoleRow, UserRow } from '../../store/schema.js';
import { listTeamRows, teamMemberRows, type TeamRow } from '../../store/team-repo.js';
import { listTenantGrants } from '../access-list.js';
import type { GrantSpec } from '../model.js';
import { normalizeEmail } from '../validation.js';

export interface StoredTeam {
  row: TeamRow;
  roles: Set<string>;
  /** Lower-cased emails of members (deleted users left out). */
  members: Map<string, string>;
}

export interface StoredUser {
  row: UserRow;
  roles: string[];
}

export interface TenantState {
  /** Stored JSON text of each tenant-level setting. */
  settings: Map<string, string>;
  roles: Map<string, RoleRow>;
  links: RoleLinks;
  teams: Map<string, StoredTeam>;
  /** Non-deleted users by lower-cased email. */
  users: Map<string, StoredUser>;
  grants: GrantSpec[];
}

/** A tenant about to be created: only the built-in tenant roles. */
export function newTenantState(): TenantState {
  const roles = new Map<string, RoleRow>();
  for (const r of builtinRoles.filter((b) => b.scope === 'tenant')) {
    roles.set(r.id, { tenant_id: '', id: r.id, display_name: r.displayName, description: r.description, builtin: 1, created_at: '', updated_at: '' });
  }
  return { settings: new Map(), roles, links: emptyLinks(), teams: new Map(), users: new Map(), grants: [] };
}

export async function loadTenantState(db: Kysely<Database>, tenantId: string): Promise<TenantState> {
  const [settingRows, roleRows, links, teamRows, userRows, grants] = await Promise.all([
    db.selectFrom('tenant_settings').select(['key', 'value']).where('tenant_id', '=', tenantId).execute(),
    listRoleRows(db, tenantId),
    loadRoleLinks(db, tenantId),
    listTeamRows(db, tenantId),
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('status', '!=', 'deleted').execute(),
    listTenantGrants(db, tenantId),
  ]);
  const teamIds = teamRows.map((t) => t.id);
  const [teamRoles, members, direct] = await Promise.all([
    teamIds.length === 0 ? [] : db.selectFrom('team_roles').select(['team_id', 'role_id']).where('tenant_id', '=', tenantId).execute(),
    teamMemberRows(db, tenantId, teamIds),
    directRolesOf(db, tenantId, userRows.map((u) => u.id)),
  ]);
  const teams = new Map<string, StoredTeam>();
  for (const row of teamRows) {
    teams.set(row.name, {
      row,
      roles: new Set(teamRoles.filter((r) => r.team_id === row.id).map((r) => r.role_id)),
      members: new Map(members.filter((m) => m.teamId === row.id).map((m) => [normalizeEmail(m.email), m.email])),
    });
  }
  return {
    settings: new Map(settingRows.map((s) => [s.key, s.value])),
    roles: new Map(roleRows.map((r) => [r.id, r])),
    links,
    teams,
    users: new Map(userRows.map((u) => [u.email_lower, { row: u, roles: direct.get(u.id) ?? [] }])),
    grants,
  };
}
