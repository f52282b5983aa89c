// Tenants: queries and the row -> domain mapping.
import type { Kysely } from 'kysely';
import type { Tenant } from '../core/model.js';
import type { Database, TenantRow } from './schema.js';

export const MAIN_TENANT_ID = 'main';
export const SSO_LANDING_SLUG = 'sso-landing';

export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    email: row.email,
    color: row.color,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The slug shown for a tenant id: null for the main account (SPEC §1). */
export function publicSlug(row: Pick<TenantRow, 'id' | 'slug'>): string | null {
  return row.id === MAIN_TENANT_ID ? null : row.slug;
}

export async function findTenantBySlug(db: Kysely<Database>, slug: string): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).where('kind', '!=', 'main').executeTakeFirst();
}

export async function findTenantById(db: Kysely<Database>, id: string): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listTenantRows(
  db: Kysely<Database>,
  status: 'active' | 'inactive' | 'all',
): Promise<TenantRow[]> {
  let q = db.selectFrom('tenants').selectAll().where('kind', '!=', 'main');
  if (status !== 'all') q = q.where('status', '=', status);
  return q.orderBy('slug').execute();
}

/** The public slug of a tenant id (null for the main account). */
export async function slugOfTenant(db: Kysely<Database>, id: string): Promise<string | null> {
  if (id === MAIN_TENANT_ID) return null;
  const row = await db.selectFrom('tenants').select('slug').where('id', '=', id).executeTakeFirst();
  return row?.slug ?? null;
}
