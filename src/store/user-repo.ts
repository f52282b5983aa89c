// Users: lookups by reference (email or id) and the row -> domain mapping.
import type { Kysely } from 'kysely';
import type { User } from '../core/model.js';
import { directRolesOf } from './role-repo.js';
import type { Database, UserRow } from './schema.js';
import { MAIN_TENANT_ID } from './tenant-repo.js';

export interface UserRef {
  /** An email (case-insensitive) or a user id. */
  ref: string;
  /** Only users of this tenant resolve; others look missing. */
  tenantId?: string;
  includeDeleted?: boolean;
}

export async function findUserRow(db: Kysely<Database>, { ref, tenantId, includeDeleted }: UserRef): Promise<UserRow | undefined> {
  let q = db.selectFrom('users').selectAll();
  q = ref.includes('@') ? q.where('email_lower', '=', ref.toLowerCase()) : q.where('id', '=', ref);
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  if (!includeDeleted) q = q.where('status', '!=', 'deleted');
  return q.executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Search columns kept in step with the names (see the users indexes). */
export function nameColumns(firstName: string, lastName: string) {
  return {
    name_lower: `${firstName} ${lastName}`.trim().toLowerCase(),
    last_name_lower: lastName.toLowerCase(),
  };
}

export function toUser(row: UserRow, tenantSlugs: ReadonlyMap<string, string | null>, roles: readonly string[]): User {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    tenant: row.tenant_id === MAIN_TENANT_ID ? null : (tenantSlugs.get(row.tenant_id) ?? null),
    roles: [...roles],
    status: row.status,
    mfaEnabled: row.mfa_enabled === 1,
    defaultTenant: row.default_tenant_id ? (tenantSlugs.get(row.default_tenant_id) ?? null) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    deletedAt: row.deleted_at,
  };
}

/** Maps user rows to domain users, loading their tenants' slugs and their direct roles. */
export async function toUsers(db: Kysely<Database>, rows: readonly UserRow[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const tenantIds = [...new Set(rows.flatMap((r) => [r.tenant_id, r.default_tenant_id].filter((x): x is string => !!x)))];
  const tenants = await db.selectFrom('tenants').select(['id', 'slug']).where('id', 'in', tenantIds).execute();
  const slugs = new Map<string, string | null>(tenants.map((t) => [t.id, t.id === MAIN_TENANT_ID ? null : t.slug]));
  const byTenant = new Map<string, string[]>();
  for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
  const roles = new Map<string, string[]>();
  for (const [tenantId, ids] of byTenant) {
    for (const [userId, list] of await directRolesOf(db, tenantId, ids)) roles.set(userId, list);
  }
  return rows.map((r) => toUser(r, slugs, roles.get(r.id) ?? []));
}

export async function toUserObject(db: Kysely<Database>, row: UserRow): Promise<User> {
  const [user] = await toUsers(db, [row]);
  return user!;
}

/** Users' emails by id, for showing who did something (ids of purged users stay ids). */
export async function emailsById(db: Kysely<Database>, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'email']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}
