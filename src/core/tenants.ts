// Tenants: create, list, show, update, (de)activate, and each user's default tenant.
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import { isUniqueViolation, type Trx } from '../store/db.js';
import { insertBuiltinRoles } from '../store/role-repo.js';
import type { TenantRow } from '../store/schema.js';
import { findTenantBySlug, listTenantRows, MAIN_TENANT_ID, toTenant } from '../store/tenant-repo.js';
import { isoNow, type Deps } from './deps.js';
import { assertTenantCreationAllowed } from './editions.js';
import { conflict, notFound } from './errors.js';
import { newId } from './ids.js';
import type { Tenant, TenantStatus } from './model.js';
import { validateColor, validateEmail, validateSlug, validateTenantName } from './validation.js';

export interface CreateTenantInput {
  slug: string;
  name: string;
  email?: string | undefined;
  color?: string | undefined;
}

const slugTaken = (slug: string) => conflict(`tenant ${slug} already exists`, 'pick another slug, or see `iamctl tenant list`');

export async function createTenant(deps: Deps, actor: Principal, input: CreateTenantInput): Promise<Tenant> {
  const row: TenantRow = {
    id: newId(),
    slug: validateSlug(input.slug),
    name: validateTenantName(input.name),
    email: input.email ? validateEmail(input.email) : null,
    color: input.color ? validateColor(input.color) : null,
    status: 'active',
    kind: 'tenant',
    created_at: isoNow(deps),
    updated_at: isoNow(deps),
  };
  try {
    await deps.store.write((trx) => insertTenant(trx, row, actor.userId));
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(row.slug);
    throw error;
  }
  return toTenant(row);
}

/** Writes a new tenant (validated row) with its built-in roles and the `tenant.create` event, inside the caller's transaction. */
export async function insertTenant(trx: Trx, row: TenantRow, actorId: string | null): Promise<void> {
  if (await findTenantBySlug(trx, row.slug)) throw slugTaken(row.slug);
  await assertTenantCreationAllowed(trx);
  await trx.insertInto('tenants').values(row).execute();
  await insertBuiltinRoles(trx, row.id, row.created_at);
  await appendAudit(trx, {
    at: row.created_at,
    tenantId: row.id,
    actorId,
    action: 'tenant.create',
    target: `tenant:${row.slug}`,
    details: { name: row.name, email: row.email, color: row.color },
  });
}

export async function listTenants(deps: Deps, status: TenantStatus | 'all'): Promise<Tenant[]> {
  return (await listTenantRows(deps.store.db, status)).map(toTenant);
}

/** A tenant by slug, as the principal may see it: tenant users see only their own (else 6). */
export async function findVisibleTenant(deps: Deps, principal: Principal, slug: string): Promise<TenantRow> {
  const row = await findTenantBySlug(deps.store.db, slug);
  if (!row || (!principal.access.isSuperAdmin && row.id !== principal.tenantId)) {
    throw notFound(`tenant ${slug}`, principal.access.isSuperAdmin ? 'see `iamctl tenant list`' : undefined);
  }
  return row;
}

export interface UpdateTenantInput {
  name?: string | undefined;
  /** '' clears. */
  email?: string | undefined;
  /** '' clears. */
  color?: string | undefined;
}

export async function updateTenant(deps: Deps, actor: Principal, tenant: TenantRow, input: UpdateTenantInput): Promise<Tenant> {
  const patch: Partial<TenantRow> = {};
  if (input.name !== undefined) patch.name = validateTenantName(input.name);
  if (input.email !== undefined) patch.email = input.email === '' ? null : validateEmail(input.email);
  if (input.color !== undefined) patch.color = input.color === '' ? null : validateColor(input.color);
  const changed = Object.fromEntries(Object.entries(patch).filter(([k, v]) => tenant[k as keyof TenantRow] !== v));
  if (Object.keys(changed).length === 0) return toTenant(tenant);
  const at = isoNow(deps);
  await deps.store.write((trx) => writeTenantChanges(trx, tenant, changed, actor.userId, at));
  return toTenant({ ...tenant, ...changed, updated_at: at });
}

/** Writes changed tenant fields (already validated, only those that differ) and the `tenant.update` event, inside the caller's transaction. */
export async function writeTenantChanges(trx: Trx, tenant: Pick<TenantRow, 'id' | 'slug'>, changed: Partial<TenantRow>, actorId: string | null, at: string): Promise<void> {
  await trx.updateTable('tenants').set({ ...changed, updated_at: at }).where('id', '=', tenant.id).execute();
  await appendAudit(trx, { at, tenantId: tenant.id, actorId, action: 'tenant.update', target: `tenant:${tenant.slug}`, details: { changed } });
}

export async function setTenantStatus(deps: Deps, actor: Principal, tenant: TenantRow, status: TenantStatus): Promise<Tenant> {
  if (tenant.status === status) throw conflict(`tenant ${tenant.slug} is already ${status}`);
  const at = isoNow(deps);
  await deps.store.write(async (trx) => {
    await trx.updateTable('tenants').set({ status, updated_at: at }).where('id', '=', tenant.id).execute();
    await appendAudit(trx, {
      at,
      tenantId: tenant.id,
      actorId: actor.userId,
      action: status === 'active' ? 'tenant.activate' : 'tenant.deactivate',
      target: `tenant:${tenant.slug}`,
    });
  });
  return toTenant({ ...tenant, status, updated_at: at });
}

/** Sets (or clears, with null) the tenant applied when the principal signs in. */
export async function setDefaultTenant(deps: Deps, actor: Principal, tenant: TenantRow | null): Promise<void> {
  const at = isoNow(deps);
  await deps.store.write(async (trx) => {
    await trx
      .updateTable('users')
      .set({ default_tenant_id: tenant?.id ?? null, updated_at: at })
      .where('id', '=', actor.userId)
      .execute();
    await appendAudit(trx, {
      at,
      tenantId: actor.tenantId,
      actorId: actor.userId,
      action: 'user.default-tenant',
      target: `user:${actor.userId}`,
      details: { tenant: tenant?.slug ?? null },
    });
  });
}

/** The slug of a user's default tenant, if it is still active; null means the main account. */
export async function defaultTenantSlug(deps: Deps, defaultTenantId: string | null): Promise<string | null> {
  if (!defaultTenantId || defaultTenantId === MAIN_TENANT_ID) return null;
  const row = await deps.store.db.selectFrom('tenants').select(['slug', 'status']).where('id', '=', defaultTenantId).executeTakeFirst();
  return row && row.status === 'active' ? row.slug : null;
}
