// The identity provider's configuration (one per store) and the group mappings, with the
// row -> domain mapping.
import type { Kysely } from 'kysely';
import type { SsoGroupMapping } from '../core/model.js';
import type { Database } from './schema.js';
import { emailsById } from './user-repo.js';

export const SSO_CONFIG_ID = 'default';

export interface SsoConfigRow {
  issuer: string;
  audience: string;
  jwks: string;
  updated_at: string;
  updated_by: string | null;
}

export async function findSsoConfig(db: Kysely<Database>): Promise<SsoConfigRow | undefined> {
  return db
    .selectFrom('sso_config')
    .select(['issuer', 'audience', 'jwks', 'updated_at', 'updated_by'])
    .where('id', '=', SSO_CONFIG_ID)
    .executeTakeFirst();
}

export async function saveSsoConfig(trx: Kysely<Database>, row: SsoConfigRow): Promise<void> {
  await trx
    .insertInto('sso_config')
    .values({ id: SSO_CONFIG_ID, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

export interface MappingRow {
  id: string;
  group_name: string;
  tenant_id: string;
  tenant_slug: string;
  role_id: string;
  position: number;
  created_at: string;
  created_by: string | null;
}

/** Every mapping in first-match order (position, i.e. creation order). */
export async function listMappingRows(db: Kysely<Database>): Promise<MappingRow[]> {
  return db
    .selectFrom('sso_group_mappings as m')
    .innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .select(['m.id', 'm.group_name', 'm.tenant_id', 't.slug as tenant_slug', 'm.role_id', 'm.position', 'm.created_at', 'm.created_by'])
    .orderBy('m.position')
    .orderBy('m.id')
    .execute();
}

export async function countMappings(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('sso_group_mappings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function mappingExists(db: Kysely<Database>, group: string, tenantId: string, roleId: string): Promise<boolean> {
  const row = await db
    .selectFrom('sso_group_mappings')
    .select('id')
    .where('group_name', '=', group)
    .where('tenant_id', '=', tenantId)
    .where('role_id', '=', roleId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The position after the last mapping: new mappings go to the end of the first-match order. */
export async function nextMappingPosition(trx: Kysely<Database>): Promise<number> {
  const row = await trx.selectFrom('sso_group_mappings').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
  return Number(row?.p ?? 0) + 1;
}

export async function insertMapping(
  trx: Kysely<Database>,
  mapping: { id: string; group: string; tenantId: string; roleId: string; position: number; at: string; by: string | null },
): Promise<void> {
  await trx
    .insertInto('sso_group_mappings')
    .values({
      id: mapping.id,
      group_name: mapping.group,
      tenant_id: mapping.tenantId,
      role_id: mapping.roleId,
      position: mapping.position,
      created_at: mapping.at,
      created_by: mapping.by,
    })
    .execute();
}

/** Deletes a group's mappings in a tenant (one role's, when given); returns the roles unmapped. */
export async function deleteMappings(trx: Kysely<Database>, group: string, tenantId: string, roleId?: string): Promise<string[]> {
  let q = trx.selectFrom('sso_group_mappings').select('role_id').where('group_name', '=', group).where('tenant_id', '=', tenantId);
  if (roleId !== undefined) q = q.where('role_id', '=', roleId);
  const roles = (await q.orderBy('role_id').execute()).map((r) => r.role_id);
  if (roles.length === 0) return [];
  await trx
    .deleteFrom('sso_group_mappings')
    .where('group_name', '=', group)
    .where('tenant_id', '=', tenantId)
    .where('role_id', 'in', roles)
    .execute();
  return roles;
}

/** Domain mappings, numbered 1..n in first-match order, creators shown by email. */
export async function toMappings(db: Kysely<Database>, rows: readonly MappingRow[]): Promise<SsoGroupMapping[]> {
  const emails = await emailsById(db, rows.map((r) => r.created_by));
  return rows.map((r, index) => ({
    position: index + 1,
    group: r.group_name,
    tenant: r.tenant_slug,
    role: r.role_id,
    createdAt: r.created_at,
    createdBy: r.created_by ? (emails.get(r.created_by) ?? r.created_by) : null,
  }));
}
