// Teams: named groups of users in a tenant; the roles granted to a team apply to its members.
// Teams are part of edition.rbac=enterprise.
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { effectivePermissions } from '../auth/role-graph.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation } from '../store/db.js';
import { loadRoleLinks } from '../store/role-repo.js';
import type { Database } from '../store/schema.js';
import { findTeamRow, listTeamRows, teamMemberRows, toTeams, type TeamRow } from '../store/team-repo.js';
import { MAIN_TENANT_ID, slugOfTenant } from '../store/tenant-repo.js';
import { assertCanConfer, resolveAssignableRole, userInTenant } from './role-assignments.js';
import { isoNow, type Deps } from './deps.js';
import { assertRbac, loadEditions } from './editions.js';
import { AppError, conflict, notFound, validationError } from './errors.js';
import { newId } from './ids.js';
import type { Team } from './model.js';
import { validateTeamName } from './validation.js';

const nameTaken = (name: string) => conflict(`team ${name} already exists`, 'pick another name, or see `iamctl team list`');

async function existingTeam(db: Kysely<Database>, tenantId: string, name: string): Promise<TeamRow> {
  const row = await findTeamRow(db, tenantId, name);
  if (!row) throw notFound(`team ${name}`, 'see `iamctl team list`');
  return row;
}

/**
 * Teams named for a new user or invitation (`--team`), all of which must exist in the tenant.
 * Naming any needs edition.rbac=enterprise.
 */
export async function resolveTeams(db: Kysely<Database>, tenantId: string, names: readonly string[]): Promise<{ id: string; name: string }[]> {
  if (names.length === 0) return [];
  assertRbac((await loadEditions(db)).rbac, 'enterprise', 'teams');
  const teams: { id: string; name: string }[] = [];
  for (const name of new Set(names)) {
    const team = await existingTeam(db, tenantId, name);
    teams.push({ id: team.id, name: team.name });
  }
  return teams;
}

async function teamObject(db: Kysely<Database>, tenantId: string, row: TeamRow): Promise<Team> {
  const [team] = await toTeams(db, tenantId, await slugOfTenant(db, tenantId), [row]);
  return team!;
}

export async function listTeams(deps: Deps, tenantId: string): Promise<Team[]> {
  const { db } = deps.store;
  return toTeams(db, tenantId, await slugOfTenant(db, tenantId), await listTeamRows(db, tenantId));
}

export interface TeamDetail extends Team {
  memberDetails: { email: string; name: string; addedAt: string }[];
}

export async function showTeam(deps: Deps, tenantId: string, name: string): Promise<TeamDetail> {
  const { db } = deps.store;
  const row = await existingTeam(db, tenantId, name);
  const [team, members] = await Promise.all([teamObject(db, tenantId, row), teamMemberRows(db, tenantId, [row.id])]);
  return { ...team, memberDetails: members.map((m) => ({ email: m.email, name: `${m.firstName} ${m.lastName}`.trim(), addedAt: m.addedAt })) };
}

export async function createTeam(deps: Deps, actor: Principal, tenantId: string, rawName: string): Promise<Team> {
  assertRbac(actor.access.edition, 'enterprise', 'teams');
  const name = validateTeamName(rawName);
  if (tenantId === MAIN_TENANT_ID) {
    throw validationError('teams belong to tenants: the main account has only super admins', 'act in a tenant: --tenant <slug>');
  }
  const row: TeamRow = { tenant_id: tenantId, id: newId(), name, created_at: isoNow(deps), created_by: actor.userId };
  try {
    await deps.store.write(async (trx) => {
      if (await findTeamRow(trx, tenantId, name)) throw nameTaken(name);
      await insertTeam(trx, row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
  return teamObject(deps.store.db, tenantId, row);
}

/** Deletes a team; its members lose the team's roles. Returns the team as it was. */
export async function deleteTeam(deps: Deps, actor: Principal, tenantId: string, name: string): Promise<Team> {
  assertRbac(actor.access.edition, 'enterprise', 'teams');
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    return deleteTeamInTrx(trx, actor.userId, await existingTeam(trx, tenantId, name), at);
  });
}

/** Writes a new team (validated row) and the `team.create` event, inside the caller's transaction. */
export async function insertTeam(trx: Kysely<Database>, row: TeamRow): Promise<void> {
  await trx.insertInto('teams').values(row).execute();
  await appendAudit(trx, { at: row.created_at, tenantId: row.tenant_id, actorId: row.created_by, action: 'team.create', target: `team:${row.name}` });
}

/** Deletes a team and writes `team.delete`, inside the caller's transaction; returns the team as it was. */
export async function deleteTeamInTrx(trx: Kysely<Database>, actorId: string | null, row: TeamRow, at: string): Promise<Team> {
  const tenantId = row.tenant_id;
  const team = await teamObject(trx, tenantId, row);
  // Memberships, role grants and resource grants go with the team (cascade).
  await trx.deleteFrom('teams').where('tenant_id', '=', tenantId).where('id', '=', row.id).execute();
  await appendAudit(trx, {
    at, tenantId, actorId, action: 'team.delete', target: `team:${row.name}`,
    details: { roles: team.roles, members: team.members.length },
  });
  return team;
}

/**
 * One membership or team-role change inside the caller's transaction, audited as
 * team.<change> (the caller has checked that it changes something).
 */
export async function writeTeamChange(
  trx: Kysely<Database>, actorId: string | null, team: TeamRow, change: TeamChange, what: { userId: string } | { roleId: string }, at: string,
): Promise<void> {
  const tenantId = team.tenant_id;
  if ('userId' in what) {
    if (change === 'add-member') {
      await trx.insertInto('team_members').values({ tenant_id: tenantId, team_id: team.id, user_id: what.userId, added_by: actorId, added_at: at }).execute();
    } else {
      await trx.deleteFrom('team_members').where('tenant_id', '=', tenantId).where('team_id', '=', team.id).where('user_id', '=', what.userId).execute();
    }
    await appendAudit(trx, { at, tenantId, actorId, action: `team.${change}`, target: `user:${what.userId}`, details: { team: team.name } });
    return;
  }
  if (change === 'grant') {
    await trx.insertInto('team_roles').values({ tenant_id: tenantId, team_id: team.id, role_id: what.roleId, granted_by: actorId, granted_at: at }).execute();
  } else {
    await trx.deleteFrom('team_roles').where('tenant_id', '=', tenantId).where('team_id', '=', team.id).where('role_id', '=', what.roleId).execute();
  }
  await appendAudit(trx, { at, tenantId, actorId, action: `team.${change}`, target: `team:${team.name}`, details: { team: team.name, role: what.roleId } });
}

export type TeamChange = 'add-member' | 'remove-member' | 'grant' | 'revoke';

/** One change to a team in one transaction, audited as team.<change>. */
async function changeTeam(
  deps: Deps,
  actor: Principal,
  tenantId: string,
  name: string,
  change: TeamChange,
  apply: (trx: Kysely<Database>, team: TeamRow, at: string) => Promise<void>,
): Promise<Team> {
  assertRbac(actor.access.edition, 'enterprise', 'teams');
  const at = isoNow(deps);
  return deps.store.write(async (trx) => {
    const team = await existingTeam(trx, tenantId, name);
    await apply(trx, team, at);
    return teamObject(trx, tenantId, team);
  }).catch((error: unknown) => {
    // The same member or role added concurrently (PostgreSQL; SQLite writers are serialized).
    throw isUniqueViolation(error) ? conflict(`team ${name} changed meanwhile: it already has that ${change === 'grant' ? 'role' : 'member'}`) : error;
  });
}

const membership = (trx: Kysely<Database>, team: TeamRow, userId: string) =>
  trx.selectFrom('team_members').select('user_id').where('tenant_id', '=', team.tenant_id).where('team_id', '=', team.id).where('user_id', '=', userId).executeTakeFirst();

const teamRole = (trx: Kysely<Database>, team: TeamRow, roleId: string) =>
  trx.selectFrom('team_roles').select('role_id').where('tenant_id', '=', team.tenant_id).where('team_id', '=', team.id).where('role_id', '=', roleId).executeTakeFirst();

export function addTeamMember(deps: Deps, actor: Principal, tenantId: string, name: string, userRef: string): Promise<Team> {
  return changeTeam(deps, actor, tenantId, name, 'add-member', async (trx, team, at) => {
    const user = await userInTenant(trx, tenantId, userRef);
    if (await membership(trx, team, user.id)) throw conflict(`${user.email} is already a member of team ${name}`);
    await writeTeamChange(trx, actor.userId, team, 'add-member', { userId: user.id }, at);
  });
}

export function removeTeamMember(deps: Deps, actor: Principal, tenantId: string, name: string, userRef: string): Promise<Team> {
  return changeTeam(deps, actor, tenantId, name, 'remove-member', async (trx, team, at) => {
    const user = await userInTenant(trx, tenantId, userRef);
    if (!(await membership(trx, team, user.id))) throw new AppError('not_found', `${user.email} is not a member of team ${name}`);
    await writeTeamChange(trx, actor.userId, team, 'remove-member', { userId: user.id }, at);
  });
}

export function grantTeamRole(deps: Deps, actor: Principal, tenantId: string, name: string, roleId: string): Promise<Team> {
  return changeTeam(deps, actor, tenantId, name, 'grant', async (trx, team, at) => {
    await resolveAssignableRole(trx, tenantId, roleId, actor.access.edition);
    if (await teamRole(trx, team, roleId)) throw conflict(`team ${name} already holds role ${roleId}`);
    assertCanConfer(actor, tenantId, effectivePermissions(await loadRoleLinks(trx, tenantId), roleId), `grant ${roleId}`);
    await writeTeamChange(trx, actor.userId, team, 'grant', { roleId }, at);
  });
}

export function revokeTeamRole(deps: Deps, actor: Principal, tenantId: string, name: string, roleId: string): Promise<Team> {
  return changeTeam(deps, actor, tenantId, name, 'revoke', async (trx, team, at) => {
    if (!(await teamRole(trx, team, roleId))) throw new AppError('not_found', `team ${name} does not hold role ${roleId}`);
    await writeTeamChange(trx, actor.userId, team, 'revoke', { roleId }, at);
  });
}
