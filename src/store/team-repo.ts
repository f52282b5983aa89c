// Teams: lookups by name, members and granted roles, and the row -> domain mapping.
import type { Kysely, Selectable } from 'kysely';
import type { Team } from '../core/model.js';
import type { Database, TeamsTable } from './schema.js';

export type TeamRow = Selectable<TeamsTable>;

export async function findTeamRow(db: Kysely<Database>, tenantId: string, name: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
}

export async function listTeamRows(db: Kysely<Database>, tenantId: string): Promise<TeamRow[]> {
  return db.selectFrom('teams').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
}

export interface TeamMemberRow {
  teamId: string;
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  addedBy: string | null;
  addedAt: string;
}

/** Members (deleted users left out) of the given teams, by email. */
export async function teamMemberRows(db: Kysely<Database>, tenantId: string, teamIds: readonly string[]): Promise<TeamMemberRow[]> {
  if (teamIds.length === 0) return [];
  const rows = await db
    .selectFrom('team_members as m')
    .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'm.tenant_id').onRef('u.id', '=', 'm.user_id'))
    .select(['m.team_id', 'u.id', 'u.email', 'u.first_name', 'u.last_name', 'm.added_by', 'm.added_at'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.team_id', 'in', [...teamIds])
    .where('u.status', '!=', 'deleted')
    .orderBy('u.email_lower')
    .execute();
  return rows.map((r) => ({
    teamId: r.team_id,
    userId: r.id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    addedBy: r.added_by,
    addedAt: r.added_at,
  }));
}

/** Maps team rows to domain teams with their roles and members' emails. */
export async function toTeams(db: Kysely<Database>, tenantId: string, tenantSlug: string | null, rows: readonly TeamRow[]): Promise<Team[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [roles, members] = await Promise.all([
    db.selectFrom('team_roles').select(['team_id', 'role_id']).where('tenant_id', '=', tenantId).where('team_id', 'in', ids).orderBy('role_id').execute(),
    teamMemberRows(db, tenantId, ids),
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    tenant: tenantSlug,
    roles: roles.filter((x) => x.team_id === r.id).map((x) => x.role_id),
    members: members.filter((m) => m.teamId === r.id).map((m) => m.email),
    createdAt: r.created_at,
  }));
}
