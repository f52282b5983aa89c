// Resource grants (resource-scoped access): a principal's own and teams' grants, lookups by
// subject and resource, lists with the names behind the ids, and writes. Rows of deleted users
// stay (a restored user gets them back) but are never listed or loaded.
import { sql, type Kysely, type Selectable } from 'kysely';
import { entities } from '../auth/catalog.js';
import { grantActions } from '../auth/resource-access.js';
import type { ResourceGrant } from '../core/model.js';
import { loadRoleLinks } from './role-repo.js';
import type { Database, ResourceGrantsTable } from './schema.js';
import { slugOfTenant } from './tenant-repo.js';

export type GrantRow = Selectable<ResourceGrantsTable>;

/** The `subject` column: `user:<id>` or `team:<id>` (unique per tenant, entity and path). */
export const userSubject = (userId: string) => `user:${userId}`;
export const teamSubject = (teamId: string) => `team:${teamId}`;

export interface PrincipalGrantRow {
  entity: string;
  path: string;
  level: string | null;
  roleId: string | null;
  /** Null for the user's own grants; the team's name for a team's. */
  team: string | null;
}

/**
 * The grants that apply to a user: their own and those of every team they belong to. Two
 * branches of one statement, so each probes resource_grants by its (tenant, user) or
 * (tenant, team) index instead of reading every grant of the tenant.
 */
export async function principalGrantRows(db: Kysely<Database>, tenantId: string, userId: string): Promise<PrincipalGrantRow[]> {
  const own = db
    .selectFrom('resource_grants as g')
    .select(['g.entity', 'g.path', 'g.level', 'g.role_id', sql<string | null>`null`.as('team')])
    .where('g.tenant_id', '=', tenantId)
    .where('g.user_id', '=', userId);
  const viaTeams = db
    .selectFrom('resource_grants as g')
    .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'g.tenant_id').onRef('t.id', '=', 'g.team_id'))
    .select(['g.entity', 'g.path', 'g.level', 'g.role_id', 't.name as team'])
    .where('g.tenant_id', '=', tenantId)
    .where('g.team_id', 'in', (eb) => eb.selectFrom('team_members').select('team_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId));
  const rows = await own.unionAll(viaTeams).execute();
  return rows.map((r) => ({ entity: r.entity, path: r.path, level: r.level, roleId: r.role_id, team: r.team }));
}

export async function findGrantRow(db: Kysely<Database>, tenantId: string, entity: string, path: string, subject: string): Promise<GrantRow | undefined> {
  return db
    .selectFrom('resource_grants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('entity', '=', entity)
    .where('path', '=', path)
    .where('subject', '=', subject)
    .executeTakeFirst();
}

/** A grant with the names behind its ids. */
export interface GrantListRow extends GrantRow {
  userEmail: string | null;
  teamName: string | null;
  creatorEmail: string | null;
}

export interface GrantRowFilter {
  id?: string | undefined;
  entity?: string | undefined;
  /** Grants that apply to this user: their own and their teams'. */
  userId?: string | undefined;
}

/** Grants of a tenant (grants of deleted users left out), unordered. */
export async function listGrantRows(db: Kysely<Database>, tenantId: string, filter: GrantRowFilter = {}): Promise<GrantListRow[]> {
  let q = db
    .selectFrom('resource_grants as g')
    .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'g.tenant_id').onRef('u.id', '=', 'g.user_id'))
    .leftJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'g.tenant_id').onRef('t.id', '=', 'g.team_id'))
    .leftJoin('users as c', 'c.id', 'g.created_by')
    .selectAll('g')
    .select(['u.email as userEmail', 't.name as teamName', 'c.email as creatorEmail'])
    .where('g.tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('g.user_id', 'is', null), eb('u.status', '!=', 'deleted')]));
  if (filter.id !== undefined) q = q.where('g.id', '=', filter.id);
  if (filter.entity !== undefined) q = q.where('g.entity', '=', filter.entity);
  const userId = filter.userId;
  if (userId !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb('g.user_id', '=', userId),
        eb('g.team_id', 'in', eb.selectFrom('team_members').select('team_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId)),
      ]),
    );
  }
  return q.execute();
}

export async function insertGrant(trx: Kysely<Database>, row: GrantRow): Promise<void> {
  await trx.insertInto('resource_grants').values(row).execute();
}

/** Replaces what an existing grant gives (a level or a role, never both), and who gave it when. */
export async function updateGrant(
  trx: Kysely<Database>,
  tenantId: string,
  id: string,
  change: Pick<GrantRow, 'level' | 'role_id' | 'created_by' | 'created_at'>,
): Promise<void> {
  await trx.updateTable('resource_grants').set(change).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function deleteGrant(trx: Kysely<Database>, tenantId: string, id: string): Promise<void> {
  await trx.deleteFrom('resource_grants').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

const entityRank = new Map(entities.map((e, i) => [e, i]));
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Maps grant rows to domain grants (what each gives now, names instead of ids), ordered by
 * entity (catalog order), path and subject, the same on both dialects.
 */
export async function toResourceGrants(db: Kysely<Database>, tenantId: string, rows: readonly GrantListRow[]): Promise<ResourceGrant[]> {
  if (rows.length === 0) return [];
  const [links, tenant] = await Promise.all([loadRoleLinks(db, tenantId), slugOfTenant(db, tenantId)]);
  const grants = rows.map((r): ResourceGrant => ({
    id: r.id,
    subject: r.teamName !== null ? `team:${r.teamName}` : `user:${r.userEmail ?? r.user_id}`,
    user: r.userEmail,
    team: r.teamName,
    entity: r.entity,
    path: r.path,
    level: r.level,
    role: r.level === null ? r.role_id : null,
    actions: grantActions(r.entity, r.level, r.role_id, links),
    tenant,
    createdBy: r.creatorEmail ?? r.created_by,
    createdAt: r.created_at,
  }));
  return grants.sort(
    (a, b) => (entityRank.get(a.entity) ?? 0) - (entityRank.get(b.entity) ?? 0) || byCodeUnits(a.path, b.path) || byCodeUnits(a.subject, b.subject),
  );
}

/** One grant as a domain object (after a write, inside its transaction). */
export async function grantObject(db: Kysely<Database>, tenantId: string, id: string): Promise<ResourceGrant> {
  const [grant] = await toResourceGrants(db, tenantId, await listGrantRows(db, tenantId, { id }));
  if (!grant) throw new Error(`grant ${id} vanished`);
  return grant;
}
